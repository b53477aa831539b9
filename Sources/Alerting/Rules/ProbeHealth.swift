import Foundation

/// Health figures a probe reports about itself.
///
/// A probe sends its capture drops as a counter (`captureDropsTotal`, with `reportedAt`); the engine turns two
/// reports at least ``AlertEngine/dropRateMinimumSeconds`` apart into `captureDropsPerMinute` (a counter that went
/// down restarted at 0, as Prometheus' `rate` treats resets). A report may also give the rate directly.
public struct ProbeHealth: Sendable, Hashable, Codable {
    /// A counter reading: the base of the next drop rate.
    struct DropSample: Sendable, Hashable, Codable {
        var total: Double
        var at: Date
    }

    public var probeID: String
    public var commune: String
    /// libpcap drops per minute.
    public var captureDropsPerMinute: Double?
    /// Rounds waiting in the gateway's forwarding outbox.
    public var outboxBacklog: Double?
    /// libpcap drops since the capture started (a counter).
    public var captureDropsTotal: Double?
    /// When the probe made the report (its clock), for the drop rate.
    public var reportedAt: Date?
    /// The reading the next rate is computed from (kept by the engine).
    var dropBase: DropSample?

    public init(
        probeID: String, commune: String, captureDropsPerMinute: Double? = nil, outboxBacklog: Double? = nil,
        captureDropsTotal: Double? = nil, reportedAt: Date? = nil
    ) {
        self.probeID = probeID
        self.commune = commune
        self.captureDropsPerMinute = captureDropsPerMinute
        self.outboxBacklog = outboxBacklog
        self.captureDropsTotal = captureDropsTotal
        self.reportedAt = reportedAt
        self.dropBase = nil
    }
}
