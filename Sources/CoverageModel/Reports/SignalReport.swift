import NetmonProtocol

/// One signal measurement at a place and time.
///
/// Measurements are optional: a report carries only what applies to its technology. An LTE anchor of a
/// 5G NSA connection is carried in the LTE fields of a `.fiveG` report.
public struct SignalReport: Sendable, Equatable {
    /// Seconds since 1970-01-01T00:00:00Z, if the source gave a time.
    public var time: Double?
    public var lat: Double
    public var lon: Double
    public var technology: Technology
    /// MCC-MNC, e.g. `452-04`, if known.
    public var operatorCode: String?
    public var rsrpDbm: Double?
    public var rsrqDb: Double?
    public var sinrDb: Double?
    public var nrSsRsrpDbm: Double?
    public var nrSsRsrqDb: Double?
    public var nrSsSinrDb: Double?
    public var rscpDbm: Double?
    public var ecioDb: Double?
    public var rssiDbm: Double?
    public var dlKbps: Double?
    public var ulKbps: Double?
    public var device: String?

    public init(
        time: Double? = nil, lat: Double, lon: Double, technology: Technology, operatorCode: String? = nil,
        rsrpDbm: Double? = nil, rsrqDb: Double? = nil, sinrDb: Double? = nil,
        nrSsRsrpDbm: Double? = nil, nrSsRsrqDb: Double? = nil, nrSsSinrDb: Double? = nil,
        rscpDbm: Double? = nil, ecioDb: Double? = nil, rssiDbm: Double? = nil,
        dlKbps: Double? = nil, ulKbps: Double? = nil, device: String? = nil
    ) {
        self.time = time
        self.lat = lat
        self.lon = lon
        self.technology = technology
        self.operatorCode = operatorCode
        self.rsrpDbm = rsrpDbm
        self.rsrqDb = rsrqDb
        self.sinrDb = sinrDb
        self.nrSsRsrpDbm = nrSsRsrpDbm
        self.nrSsRsrqDb = nrSsRsrqDb
        self.nrSsSinrDb = nrSsSinrDb
        self.rscpDbm = rscpDbm
        self.ecioDb = ecioDb
        self.rssiDbm = rssiDbm
        self.dlKbps = dlKbps
        self.ulKbps = ulKbps
        self.device = device
    }

    /// The value of a metric, if present.
    public subscript(metric: SignalMetric) -> Double? {
        get {
            switch metric {
            case .rsrpDbm: self.rsrpDbm
            case .rsrqDb: self.rsrqDb
            case .sinrDb: self.sinrDb
            case .nrSsRsrpDbm: self.nrSsRsrpDbm
            case .nrSsRsrqDb: self.nrSsRsrqDb
            case .nrSsSinrDb: self.nrSsSinrDb
            case .rscpDbm: self.rscpDbm
            case .ecioDb: self.ecioDb
            case .rssiDbm: self.rssiDbm
            }
        }
        set {
            switch metric {
            case .rsrpDbm: self.rsrpDbm = newValue
            case .rsrqDb: self.rsrqDb = newValue
            case .sinrDb: self.sinrDb = newValue
            case .nrSsRsrpDbm: self.nrSsRsrpDbm = newValue
            case .nrSsRsrqDb: self.nrSsRsrqDb = newValue
            case .nrSsSinrDb: self.nrSsSinrDb = newValue
            case .rscpDbm: self.rscpDbm = newValue
            case .ecioDb: self.ecioDb = newValue
            case .rssiDbm: self.rssiDbm = newValue
            }
        }
    }
}

/// A column of the canonical report format (CSV header names, JSON property names).
public enum ReportField: String, Sendable, Hashable, CaseIterable {
    case time, lat, lon, technology
    case operatorCode = "operator"
    case rsrpDbm = "rsrp_dbm"
    case rsrqDb = "rsrq_db"
    case sinrDb = "sinr_db"
    case nrSsRsrpDbm = "nr_ss_rsrp_dbm"
    case nrSsRsrqDb = "nr_ss_rsrq_db"
    case nrSsSinrDb = "nr_ss_sinr_db"
    case rscpDbm = "rscp_dbm"
    case ecioDb = "ecio_db"
    case rssiDbm = "rssi_dbm"
    case dlKbps = "dl_kbps"
    case ulKbps = "ul_kbps"
    case device

    /// The signal metric this field carries, if it is one.
    public var metric: SignalMetric? { SignalMetric(rawValue: self.rawValue) }
}
