/// What probing one target came to: counts, RTTs and errors. RTTs are seconds.
public struct TargetReport: Sendable, Hashable {
    /// The target.
    public var endpoint: ProbeEndpoint
    /// Sent / received / duplicates over probes whose fate is known (RFC 7680 loss).
    public var counts: ProbeCounts
    /// RTTs of answered probes in send order, seconds.
    public var rttsInSendOrder: [Double]
    /// Error messages (ICMP errors, refused connects, failed sends) with how often each occurred.
    public var errors: [String: Int]
    /// Probes sent whose timeout had not expired when the report was taken (left out of `counts`).
    public var inFlight: Int

    /// Creates a report.
    public init(
        endpoint: ProbeEndpoint, counts: ProbeCounts, rttsInSendOrder: [Double], errors: [String: Int], inFlight: Int
    ) {
        self.endpoint = endpoint
        self.counts = counts
        self.rttsInSendOrder = rttsInSendOrder
        self.errors = errors
        self.inFlight = inFlight
    }

    /// Summary, RFC 3550 jitter on the RTT series and RFC 5481 PDV, all in seconds.
    public var statistics: RoundTripStatistics { RoundTripStatistics(rttsInSendOrder: self.rttsInSendOrder) }
}

/// How well the sender kept to its schedule: lateness of each send against its planned time.
public struct ScheduleReport: Sendable, Hashable {
    /// Probes sent.
    public var sends: Int
    /// Seconds from the first to the last send.
    public var duration: Double
    /// Lateness of sends in seconds (actual − planned); nil before any send.
    public var lateness: SampleSummary?
    /// Replies whose receive time was taken when they were read, not by the kernel on arrival (Linux turns receive
    /// timestamps on through deferred work when the first socket asks). After a few, the engine reads replies as
    /// they arrive; their RTTs are then as exact as that wake-up.
    public var repliesStampedAtRead = 0

    /// Achieved send rate, probes per second.
    public var rate: Double { self.duration > 0 ? Double(self.sends - 1) / self.duration : 0 }
}
