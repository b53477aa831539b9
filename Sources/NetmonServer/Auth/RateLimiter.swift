import Foundation
import Synchronization

/// A token bucket per key (`token:NAME` for a token, `address:IP` for requests without one): `rate` requests per
/// second, bursts up to `burst`.
///
/// The table holds at most `maxBuckets` keys, so that clients inventing new keys (new source addresses) cannot grow
/// memory: when it is full, buckets that have refilled to `burst` are dropped (they would be created exactly so
/// again), and if none has, the one used longest ago is.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    let limit: RateLimit
    let maxBuckets: Int

    init(limit: RateLimit, maxBuckets: Int = 10_000) {
        self.limit = limit
        self.maxBuckets = max(1, maxBuckets)
    }

    /// How many keys have a bucket now.
    var count: Int { buckets.withLock { $0.count } }

    /// Takes one request from `key`'s bucket. Returns nil if allowed, else seconds until the next one is (at most
    /// a day, whatever the rate).
    func take(_ key: String, now: Double = ProcessInfo.processInfo.systemUptime) -> Double? {
        buckets.withLock { all in
            if all[key] == nil, all.count >= maxBuckets { evict(&all, now: now) }
            var b = all[key] ?? Bucket(tokens: limit.burst, updated: now)
            b.tokens = min(limit.burst, b.tokens + max(0, now - b.updated) * limit.requestsPerSecond)
            b.updated = now
            defer { all[key] = b }
            if b.tokens >= 1 {
                b.tokens -= 1
                return nil
            }
            return min(86400, (1 - b.tokens) / max(limit.requestsPerSecond, 1e-9))
        }
    }

    private func evict(_ all: inout [String: Bucket], now: Double) {
        let before = all.count
        all = all.filter { $0.value.tokens + max(0, now - $0.value.updated) * limit.requestsPerSecond < limit.burst }
        if all.count < before { return }
        if let oldest = all.min(by: { $0.value.updated < $1.value.updated })?.key { all[oldest] = nil }
    }
}
