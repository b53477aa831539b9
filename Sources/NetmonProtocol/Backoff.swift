import Foundation

/// Exponential backoff with full jitter (AWS architecture blog): the n-th retry waits a uniformly random time
/// in `[0, min(cap, base · 2ⁿ)]`, so gateways that lost the server together do not return together.
///
/// The one retry schedule of netmon's clients: the gateway's forwarder and alerting's notification delivery
/// (``RetryPolicy`` adds its deadline and its own handling of `Retry-After`).
public struct Backoff: Sendable, Hashable {
    /// The first ceiling, in seconds.
    public var baseSeconds: Double
    /// The largest ceiling, in seconds.
    public var capSeconds: Double

    public init(baseSeconds: Double = 0.5, capSeconds: Double = 300) {
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
    }

    /// The ceiling for the `attempt`-th consecutive failure (1-based).
    public func ceiling(attempt: Int) -> Double {
        let exponent = Double(min(max(attempt - 1, 0), 60))
        return min(capSeconds, baseSeconds * pow(2, exponent))
    }

    /// A delay for the `attempt`-th consecutive failure; a server's `Retry-After` is honoured (up to the cap).
    public func delay<G: RandomNumberGenerator>(
        attempt: Int, retryAfter: Double? = nil, using generator: inout G
    )
        -> Double
    {
        let jittered = Double.random(in: 0...ceiling(attempt: attempt), using: &generator)
        guard let retryAfter else { return jittered }
        return min(capSeconds, max(jittered, retryAfter))
    }

    /// A delay for the `attempt`-th consecutive failure, from the system's random source.
    public func delay(attempt: Int, retryAfter: Double? = nil) -> Double {
        var generator = SystemRandomNumberGenerator()
        return delay(attempt: attempt, retryAfter: retryAfter, using: &generator)
    }
}
