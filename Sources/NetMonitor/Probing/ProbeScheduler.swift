/// fping's schedule as a value type: targets take turns in a fixed order; each target is due `period` after its
/// previous probe; no two probes leave closer than `interval`. When `targets × interval > period`, the rounds
/// stretch to `targets × interval` (as in fping). Times are nanoseconds on `WallClock`.
///
/// `next()` returns the next (target, scheduled time); the engine sleeps until that time and sends. Scheduled
/// times never depend on when a send actually happened, so a late send does not shift the rest of the plan.
public struct ProbeScheduler: Sendable {
    /// Targets in turn, each with its next due time and the probes it has left (this one included).
    private var queue: [(target: Int, due: Int64, left: Int)]
    private var head = 0
    private var lastTime: Int64?
    private let period: Int64
    private let interval: Int64

    /// Plans `count` probes (nil: without end) to each of `targetCount` targets from `start`.
    public init(targetCount: Int, count: Int?, period: Double, interval: Double, start: Int64) {
        let count = count ?? Int.max
        self.queue = count > 0 ? (0..<targetCount).map { (target: $0, due: start, left: count) } : []
        self.period = Int64((period * 1e9).rounded())
        self.interval = Int64((interval * 1e9).rounded())
    }

    /// Probes still to be scheduled (Int.max-based when unbounded).
    public var isFinished: Bool { self.head >= self.queue.count }

    /// The next probe: which target and when; nil when every target has had its count.
    public mutating func next() -> (target: Int, time: Int64)? {
        guard self.head < self.queue.count else { return nil }
        let entry = self.queue[self.head]
        self.head += 1
        let time = max(entry.due, (self.lastTime ?? Int64.min / 2) + self.interval)
        self.lastTime = time
        if entry.left > 1 {
            self.queue.append((target: entry.target, due: time + self.period, left: entry.left - 1))
        }
        // Keep the queue's storage bounded in endless runs.
        if self.head > 4096 && self.head * 2 > self.queue.count {
            self.queue.removeFirst(self.head)
            self.head = 0
        }
        return (entry.target, time)
    }
}
