import NetmonProtocol

/// Runs one round of probes to every target of a step: the seam between the daemon and the probe engine.
public protocol RoundProber: Sendable {
    /// Sends `schedule.probes` probes to each target, `plan.intervalSeconds` apart per target, the targets'
    /// first probes `plan.spacingSeconds` apart, starting now; waits `schedule.timeoutSeconds` for each reply.
    ///
    /// - Returns: one result per target, in target order.
    func probeRound(_ targets: [AgentTarget], schedule: ProbeSchedule, plan: RoundPlan) async throws -> [TargetRound]
}

/// What one target's probes of one round gave.
public struct TargetRound: Sendable, Hashable {
    /// Probes actually sent (a send the kernel refused is not a probe).
    public var sent: Int
    /// Round-trip times of the replies received within the timeout, in send order, seconds.
    public var rttsInSendOrder: [Double]
    /// The per-direction breakdown of a STAMP target's round; nil for other kinds.
    public var directions: RoundDirections?
    /// Why this target could not be probed at all this step (its round has nothing sent); logged by the scheduler.
    public var failure: String?

    public init(sent: Int, rttsInSendOrder: [Double], directions: RoundDirections? = nil, failure: String? = nil) {
        self.sent = sent
        self.rttsInSendOrder = rttsInSendOrder
        self.directions = directions
        self.failure = failure
    }
}
