import Foundation
import Synchronization

/// A token bucket per key (token name): `rate` requests per second, bursts up to `burst`.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    let limit: RateLimit

    init(limit: RateLimit) {
        self.limit = limit
    }

    /// Takes one request from `key`'s bucket. Returns nil if allowed, else seconds until the next one is.
    func take(_ key: String, now: Double = ProcessInfo.processInfo.systemUptime) -> Double? {
        buckets.withLock { all in
            var b = all[key] ?? Bucket(tokens: limit.burst, updated: now)
            b.tokens = min(limit.burst, b.tokens + (now - b.updated) * limit.requestsPerSecond)
            b.updated = now
            defer { all[key] = b }
            if b.tokens >= 1 {
                b.tokens -= 1
                return nil
            }
            return (1 - b.tokens) / max(limit.requestsPerSecond, 1e-9)
        }
    }
}
