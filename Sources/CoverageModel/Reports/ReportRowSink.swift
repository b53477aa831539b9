import NetmonProtocol

/// Where `CSVReportReader` puts the fields of a row it parses: a full `SignalReport`, or the compact row the
/// coverage ingest keeps. The reader validates every field the same way whatever the sink (so accepted rows,
/// rejections and their reasons do not depend on it); a sink only decides what is kept.
protocol ReportRowSink {
    /// Whether the sink keeps the device text (the reader skips reading it otherwise; reading it never rejects).
    static var keepsDevice: Bool { get }
    /// Whether the operator set by `setOperator` stays through `reset()` until set again. The reader then
    /// calls `setOperator` only when a row's operator text differs from the previous row's (one sink must
    /// then receive every row since the reader's start or `restart(on:)`).
    static var keepsOperatorAcrossRows: Bool { get }
    /// Clears what a previous row left.
    mutating func reset()
    mutating func setPosition(lat: Double, lon: Double, technology: Technology)
    mutating func setTime(_ time: Double)
    mutating func setOperator(_ code: String?)
    /// `setOperator(code)` for a code the reader remembers in `memoSlot` of its `OperatorCodeMemo` (the same
    /// slot for the same code while one reader reads; −1: not remembered).
    mutating func setOperator(_ code: String?, memoSlot: Int)
    mutating func setDevice(_ device: String?)
    mutating func setMetric(_ metric: SignalMetric, _ value: Double?)
    mutating func setKbps(_ field: ReportField, _ value: Double?)
}

extension ReportRowSink {
    @inline(__always)
    mutating func setOperator(_ code: String?, memoSlot: Int) { self.setOperator(code) }
}

extension SignalReport: ReportRowSink {
    static var keepsDevice: Bool { true }
    static var keepsOperatorAcrossRows: Bool { false }

    mutating func reset() { self = SignalReport(lat: 0, lon: 0, technology: .noService) }

    @inline(__always)
    mutating func setPosition(lat: Double, lon: Double, technology: Technology) {
        self.lat = lat
        self.lon = lon
        self.technology = technology
    }

    @inline(__always)
    mutating func setTime(_ time: Double) { self.time = time }

    @inline(__always)
    mutating func setOperator(_ code: String?) { self.operatorCode = code }

    @inline(__always)
    mutating func setDevice(_ device: String?) { self.device = device }

    @inline(__always)
    mutating func setMetric(_ metric: SignalMetric, _ value: Double?) { self[metric] = value }

    @inline(__always)
    mutating func setKbps(_ field: ReportField, _ value: Double?) {
        if field == .dlKbps { self.dlKbps = value } else { self.ulKbps = value }
    }
}
