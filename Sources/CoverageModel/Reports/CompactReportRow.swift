import NetmonProtocol

/// What the coverage ingest keeps of a CSV row: position, technology, operator and the signal metrics (NaN
/// where the row gives none). Plain values, filled in place row after row: no `SignalReport` is built or
/// copied per row; the time and device are validated but not kept, the download/upload rates are kept for the
/// speed judgement.
struct CompactReportRow: ReportRowSink {
    var lat = 0.0
    var lon = 0.0
    var technology = Technology.noService
    /// The operator of the row: set only when it changes (`keepsOperatorAcrossRows`), `reset()` keeps it.
    var operatorCode: String?
    /// The reader's memo slot of `operatorCode` (−1: none), a small integer standing for the code.
    var operatorSlot = -1
    /// Set when `setOperator` was called; whoever reads `operatorCode` may clear it to notice the next change.
    var operatorChanged = false
    /// Metric values by `SignalMetric` position in `allCases`; NaN for none.
    private var metrics = (
        Double.nan, Double.nan, Double.nan, Double.nan, Double.nan, Double.nan, Double.nan,
        Double.nan, Double.nan
    )
    /// Download and upload rates in kbit/s, NaN for none.
    var downloadKbps = Double.nan
    var uploadKbps = Double.nan

    static var keepsDevice: Bool { false }
    static var keepsOperatorAcrossRows: Bool { true }

    @inline(__always)
    mutating func reset() {
        self.metrics = (.nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan)
        self.downloadKbps = .nan
        self.uploadKbps = .nan
    }

    @inline(__always)
    mutating func setPosition(lat: Double, lon: Double, technology: Technology) {
        self.lat = lat
        self.lon = lon
        self.technology = technology
    }

    @inline(__always)
    mutating func setTime(_ time: Double) {}

    @inline(__always)
    mutating func setOperator(_ code: String?) {
        self.operatorCode = code
        self.operatorSlot = -1
        self.operatorChanged = true
    }

    @inline(__always)
    mutating func setOperator(_ code: String?, memoSlot: Int) {
        self.operatorCode = code
        self.operatorSlot = memoSlot
        self.operatorChanged = true
    }

    @inline(__always)
    mutating func setDevice(_ device: String?) {}

    @inline(__always)
    mutating func setKbps(_ field: ReportField, _ value: Double?) {
        if field == .dlKbps { self.downloadKbps = value ?? .nan } else { self.uploadKbps = value ?? .nan }
    }

    @inline(__always)
    mutating func setMetric(_ metric: SignalMetric, _ value: Double?) {
        let v = value ?? .nan
        switch metric {
        case .rsrpDbm: self.metrics.0 = v
        case .rsrqDb: self.metrics.1 = v
        case .sinrDb: self.metrics.2 = v
        case .nrSsRsrpDbm: self.metrics.3 = v
        case .nrSsRsrqDb: self.metrics.4 = v
        case .nrSsSinrDb: self.metrics.5 = v
        case .rscpDbm: self.metrics.6 = v
        case .ecioDb: self.metrics.7 = v
        case .rssiDbm: self.metrics.8 = v
        }
    }

    /// The value of a metric, NaN when the row gives none.
    @inline(__always)
    subscript(metric: SignalMetric) -> Double {
        switch metric {
        case .rsrpDbm: self.metrics.0
        case .rsrqDb: self.metrics.1
        case .sinrDb: self.metrics.2
        case .nrSsRsrpDbm: self.metrics.3
        case .nrSsRsrqDb: self.metrics.4
        case .nrSsSinrDb: self.metrics.5
        case .rscpDbm: self.metrics.6
        case .ecioDb: self.metrics.7
        case .rssiDbm: self.metrics.8
        }
    }
}
