import Foundation
import NetmonProtocol

/// When to try a failed notification again, and when to give up.
///
/// Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
/// `0 ... min(maximumDelay, baseDelay × 2ⁿ)`, but never less than a `Retry-After` the receiver asked for. A
/// notification still undelivered `deadline` after it was created goes to the dead-letter table.
public struct RetryPolicy: Sendable, Hashable {
    /// The first backoff ceiling (seconds).
    public var baseDelay: Double
    /// The largest backoff ceiling (seconds).
    public var maximumDelay: Double
    /// Give up this long after creation (seconds; 24 h).
    public var deadline: Double
    /// Timeout of one attempt (seconds; 10 s).
    public var attemptTimeout: Double

    public init(
        baseDelay: Double = 1, maximumDelay: Double = 300, deadline: Double = 86_400, attemptTimeout: Double = 10
    ) {
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.deadline = deadline
        self.attemptTimeout = attemptTimeout
    }

    /// What to do after attempt number `attempts` (1-based) failed with `error` at `now`.
    public func decision(
        after attempts: Int, error: DeliveryError, createdAt: Date, now: Date,
        random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }
    ) -> RetryDecision {
        guard error.isTransient else { return .giveUp }
        let giveUpAt = createdAt.addingTimeInterval(self.deadline)
        guard now < giveUpAt else { return .giveUp }
        let ceiling = Backoff(baseSeconds: self.baseDelay, capSeconds: self.maximumDelay).ceiling(attempt: attempts)
        var delay = random(0...ceiling)
        if let retryAfter = error.retryAfter { delay = max(delay, retryAfter) }
        let next = now.addingTimeInterval(delay)
        return .retry(at: min(next, giveUpAt))
    }
}

/// The outcome of ``RetryPolicy/decision(after:error:createdAt:now:random:)``.
public enum RetryDecision: Sendable, Hashable {
    case retry(at: Date)
    case giveUp
}
