import Foundation

/// How a step's probes are spread.
///
/// Every target gets N probes `interval` apart (shrunk when N probes and the timeout would not fit the step). The
/// targets' first probes are `spacing` = interval / targets apart, so all probes of the step are spread evenly in
/// time — no burst at the step start — and every round still ends, with its timeout, inside its own step.
public struct RoundPlan: Sendable, Hashable {
    /// Time between two probes to the same target, seconds.
    public var intervalSeconds: Double
    /// Time between the first probes of consecutive targets (and between any two probes), seconds.
    public var spacingSeconds: Double
    /// Offset of each target's first probe from the step start, seconds, in target order.
    public var startOffsets: [Double]

    public init(schedule: ProbeSchedule, targetCount: Int) {
        let probes = max(1, schedule.probes)
        let targets = max(1, targetCount)
        let usable = max(0.001, schedule.stepSeconds - schedule.timeoutSeconds)
        // The last target starts (targets-1)/targets of an interval late: N intervals must fit what is usable.
        let interval = min(schedule.intervalSeconds, usable / Double(probes))
        self.intervalSeconds = interval
        self.spacingSeconds = interval / Double(targets)
        self.startOffsets = (0..<targetCount).map { Double($0) * interval / Double(targets) }
    }

    /// The start of the step containing `date`, aligned to multiples of `stepSeconds` since the Unix epoch.
    public static func stepStart(containing date: Date, stepSeconds: Double) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / stepSeconds).rounded(.down) * stepSeconds)
    }
}
