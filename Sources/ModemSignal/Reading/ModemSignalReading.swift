import Foundation
import NetmonProtocol

/// What one reading of a modem gives: when, on which radio access and operator, and the signal measured.
///
/// The metric names are those of the canonical report format (`rsrp_dbm`, `nr_ss_sinr_db`, … — CoverageModel's
/// `SignalMetric`), and the JSON form uses them, so a reading becomes a signal report by adding the gateway's
/// location and the source `gateway:<code>`. On 5G NSA the LTE anchor is in the LTE fields and the NR leg in the
/// `nrSs…` fields, as CoverageModel carries it; on 5G SA only the `nrSs…` fields are set. RSSI is the received
/// signal strength of whichever technology carries the connection (GSM, UMTS or LTE).
///
/// Values are what the tool reported, after the documented scaling (Quectel's LTE SINR); they are not checked
/// against 3GPP ranges here: the coverage import drops and counts values outside `SignalMetric.validRange`.
public struct ModemSignalReading: Sendable, Hashable, Codable {
    /// When the reading was taken (the gateway's clock; the tools give no time of their own).
    public var time: Date
    public var source: ModemSignalSource
    public var technology: RadioAccess
    /// MCC-MNC, e.g. `452-04`, if the tool gave it.
    public var operatorCode: String?
    /// The registration or connection state in the tool's own words (`connected`, `registered`, `NOCONN`…).
    public var state: String?
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
        time: Date, source: ModemSignalSource, technology: RadioAccess, operatorCode: String? = nil,
        state: String? = nil, rsrpDbm: Double? = nil, rsrqDb: Double? = nil, sinrDb: Double? = nil,
        nrSsRsrpDbm: Double? = nil, nrSsRsrqDb: Double? = nil, nrSsSinrDb: Double? = nil,
        rscpDbm: Double? = nil, ecioDb: Double? = nil, rssiDbm: Double? = nil
    ) {
        self.time = time
        self.source = source
        self.technology = technology
        self.operatorCode = operatorCode
        self.state = state
        self.rsrpDbm = rsrpDbm
        self.rsrqDb = rsrqDb
        self.sinrDb = sinrDb
        self.nrSsRsrpDbm = nrSsRsrpDbm
        self.nrSsRsrqDb = nrSsRsrqDb
        self.nrSsSinrDb = nrSsSinrDb
        self.rscpDbm = rscpDbm
        self.ecioDb = ecioDb
        self.rssiDbm = rssiDbm
    }

    /// The metrics that are present, in the order of the canonical format.
    public var metrics: [(metric: SignalMetric, value: Double)] {
        let all: [(SignalMetric, Double?)] = [
            (.rsrpDbm, self.rsrpDbm), (.rsrqDb, self.rsrqDb), (.sinrDb, self.sinrDb),
            (.nrSsRsrpDbm, self.nrSsRsrpDbm), (.nrSsRsrqDb, self.nrSsRsrqDb), (.nrSsSinrDb, self.nrSsSinrDb),
            (.rscpDbm, self.rscpDbm), (.ecioDb, self.ecioDb), (.rssiDbm, self.rssiDbm),
        ]
        return all.compactMap { metric, value in value.map { (metric, $0) } }
    }

    /// The JSON names; the metric names are the canonical report format's. Encoded with NetmonProtocol's
    /// `WireCoding` (RFC 3339 UTC time, sorted keys); absent values are left out.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case time, source, technology, state
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
    }
}
