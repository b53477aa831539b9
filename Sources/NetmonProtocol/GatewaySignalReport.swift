import Foundation

/// One reading of a gateway's modem as a signal report: the gateway stores it, forwards it to
/// `POST /api/v1/ingest/signal`, and the server counts it in coverage like any uploaded report.
///
/// Identified end to end as rounds are, by (`probeID`, `storeID`, `sequence`); signal reports are numbered in a
/// sequence of their own. `source` is `gateway:<commune code>`, which the server keeps as the report's device, so
/// the API tells gateway reports from uploaded ones. Metric names are the canonical report format's
/// (``SignalMetric``). Wire format: JSON with snake_case keys, RFC 3339 UTC time, absent values left out; keys this
/// build does not know are ignored, so older and newer gateways and servers read each other's reports.
public struct GatewaySignalReport: Codable, Sendable, Hashable {
    public var probeID: String
    public var sequence: Int64
    /// The gateway store that numbered the report.
    public var storeID: String?
    /// GSO code of the gateway's commune.
    public var commune: String
    /// `gateway:<commune code>`.
    public var source: String
    /// When the reading was taken (the gateway's clock).
    public var time: Date
    /// The gateway's location from sites.yaml, WGS 84 degrees.
    public var lat: Double
    public var lon: Double
    /// The technology coverage counts it under: 2G, 3G, 4G, 5G or none.
    public var technology: Technology
    /// The radio access as the modem reported it (`4G`, `5G-NSA`, `5G-SA`, …), for people.
    public var radioAccess: String?
    /// MCC-MNC, e.g. `452-04`.
    public var operatorCode: String?
    /// The tool the reading came from: `mmcli`, `qmicli` or `quectel`.
    public var modemTool: String?
    public var rsrpDbm: Double?
    public var rsrqDb: Double?
    public var sinrDb: Double?
    public var nrSsRsrpDbm: Double?
    public var nrSsRsrqDb: Double?
    public var nrSsSinrDb: Double?
    public var rscpDbm: Double?
    public var ecioDb: Double?
    public var rssiDbm: Double?

    public init(
        probeID: String, sequence: Int64, storeID: String?, commune: String, time: Date, lat: Double, lon: Double,
        technology: Technology, radioAccess: String? = nil, operatorCode: String? = nil, modemTool: String? = nil,
        metrics: [SignalMetric: Double] = [:]
    ) {
        self.probeID = probeID
        self.sequence = sequence
        self.storeID = storeID
        self.commune = commune
        self.source = Self.source(commune: commune)
        self.time = time
        self.lat = lat
        self.lon = lon
        self.technology = technology
        self.radioAccess = radioAccess
        self.operatorCode = operatorCode
        self.modemTool = modemTool
        for (metric, value) in metrics { self[metric] = value }
    }

    /// `gateway:<code>`: the source (and stored device) of a commune gateway's reports.
    public static func source(commune: String) -> String { "gateway:\(commune)" }

    /// A metric by its canonical name.
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

    enum CodingKeys: String, CodingKey {
        case probeID = "probe_id"
        case storeID = "store_id"
        case sequence, commune, source, time, lat, lon, technology
        case radioAccess = "radio_access"
        case operatorCode = "operator"
        case modemTool = "modem_tool"
        case rsrpDbm = "rsrp_dbm"
        case rsrqDb = "rsrq_db"
        case sinrDb = "sinr_db"
        case nrSsRsrpDbm = "nr_ss_rsrp_dbm"
        case nrSsRsrqDb = "nr_ss_rsrq_db"
        case nrSsSinrDb = "nr_ss_sinr_db"
        case rscpDbm = "rscp_dbm"
        case ecioDb = "ecio_db"
        case rssiDbm = "rssi_dbm"
    }
}

/// A batch of a gateway's signal reports: `POST /api/v1/ingest/signal` with the probe's bearer token. The server
/// answers with an ``IngestReply`` judging each report (its `rejected` and `conflicts` name reports by position).
public struct GatewaySignalBatch: Codable, Sendable, Hashable {
    public var probeID: String
    public var reports: [GatewaySignalReport]

    public init(probeID: String, reports: [GatewaySignalReport]) {
        self.probeID = probeID
        self.reports = reports
    }

    enum CodingKeys: String, CodingKey {
        case probeID = "probe_id"
        case reports
    }
}
