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
    /// The signal measured, by the canonical names (written as flat keys: `rsrp_dbm`, `nr_ss_sinr_db`, …).
    public var metrics: [SignalMetric: Double]

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
        self.metrics = metrics
    }

    /// `gateway:<code>`: the source (and stored device) of a commune gateway's reports.
    public static func source(commune: String) -> String { "gateway:\(commune)" }

    enum CodingKeys: String, CodingKey {
        case probeID = "probe_id"
        case storeID = "store_id"
        case sequence, commune, source, time, lat, lon, technology
        case radioAccess = "radio_access"
        case operatorCode = "operator"
        case modemTool = "modem_tool"
    }

    /// A metric's key: its canonical name.
    struct MetricKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ metric: SignalMetric) { self.stringValue = metric.rawValue }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.probeID = try c.decode(String.self, forKey: .probeID)
        self.sequence = try c.decode(Int64.self, forKey: .sequence)
        self.storeID = try c.decodeIfPresent(String.self, forKey: .storeID)
        self.commune = try c.decode(String.self, forKey: .commune)
        self.source = try c.decode(String.self, forKey: .source)
        self.time = try c.decode(Date.self, forKey: .time)
        self.lat = try c.decode(Double.self, forKey: .lat)
        self.lon = try c.decode(Double.self, forKey: .lon)
        self.technology = try c.decode(Technology.self, forKey: .technology)
        self.radioAccess = try c.decodeIfPresent(String.self, forKey: .radioAccess)
        self.operatorCode = try c.decodeIfPresent(String.self, forKey: .operatorCode)
        self.modemTool = try c.decodeIfPresent(String.self, forKey: .modemTool)
        let values = try decoder.container(keyedBy: MetricKey.self)
        var metrics: [SignalMetric: Double] = [:]
        for metric in SignalMetric.allCases {
            if let value = try values.decodeIfPresent(Double.self, forKey: MetricKey(metric)) {
                metrics[metric] = value
            }
        }
        self.metrics = metrics
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(self.probeID, forKey: .probeID)
        try c.encode(self.sequence, forKey: .sequence)
        try c.encodeIfPresent(self.storeID, forKey: .storeID)
        try c.encode(self.commune, forKey: .commune)
        try c.encode(self.source, forKey: .source)
        try c.encode(self.time, forKey: .time)
        try c.encode(self.lat, forKey: .lat)
        try c.encode(self.lon, forKey: .lon)
        try c.encode(self.technology, forKey: .technology)
        try c.encodeIfPresent(self.radioAccess, forKey: .radioAccess)
        try c.encodeIfPresent(self.operatorCode, forKey: .operatorCode)
        try c.encodeIfPresent(self.modemTool, forKey: .modemTool)
        var values = encoder.container(keyedBy: MetricKey.self)
        for (metric, value) in self.metrics { try values.encode(value, forKey: MetricKey(metric)) }
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
