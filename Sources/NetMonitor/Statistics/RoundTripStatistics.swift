/// Everything netmon reports about one target's round-trip times: the summary, RFC 3550 jitter on the RTT
/// series, and RFC 5481 PDV (p99 − min). Built from the RTTs of answered probes in the order they were sent.
public struct RoundTripStatistics: Sendable, Hashable {
    /// Summary of the RTTs; nil when nothing came back.
    public var summary: SampleSummary?
    /// RFC 3550 interarrival jitter on the RTT series; nil with fewer than two replies.
    public var jitter: Double?
    /// RFC 5481 PDV, p99 − min; nil when nothing came back.
    public var pdv: Double?

    /// Computes the statistics of `rttsInSendOrder` (same unit in, same unit out).
    public init(rttsInSendOrder: [Double]) {
        self.summary = SampleSummary(rttsInSendOrder)
        self.jitter = InterarrivalJitter.of(rttsInSendOrder)
        self.pdv = self.summary.map { $0.p99 - $0.min }
    }
}
