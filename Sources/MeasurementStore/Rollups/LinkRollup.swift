import Foundation
import NetmonProtocol

/// The rounds of one link (commune, target) whose start falls in one hour, consolidated: counts, sums for means,
/// exact extremes and an ``RTTHistogram`` for percentiles. The server's counterpart of the gateway's hourly rollup
/// (same counts, sums and extremes), plus the histogram so that long series keep their smoke.
///
/// Rollups are kept longer than raw rounds (``RoundRetention``) and are merged on ingest in the same transaction as
/// the rounds, so dropping raw rounds never needs a consolidation pass.
public struct LinkRollup: Sendable, Hashable {
    public static let bucketSeconds: Double = 3600

    public var commune: String
    public var target: String
    /// Start of the hour, UTC seconds since 1970 (a multiple of 3600).
    public var bucketStart: Double
    public var rounds: Int
    public var sent: Int
    public var received: Int
    public var rttCount: Int
    public var rttSum: Double
    public var rttMin: Double?
    public var rttMax: Double?
    public var medianCount: Int
    public var medianSum: Double
    public var jitterCount: Int
    public var jitterSum: Double
    public var histogram: RTTHistogram

    public init(commune: String, target: String, bucketStart: Double) {
        self.commune = commune
        self.target = target
        self.bucketStart = bucketStart
        self.rounds = 0
        self.sent = 0
        self.received = 0
        self.rttCount = 0
        self.rttSum = 0
        self.medianCount = 0
        self.medianSum = 0
        self.jitterCount = 0
        self.jitterSum = 0
        self.histogram = RTTHistogram()
    }

    /// The hour a start time falls in.
    public static func bucket(of start: Date) -> Double {
        (start.timeIntervalSince1970 / bucketSeconds).rounded(.down) * bucketSeconds
    }

    public struct Key: Hashable, Sendable, Comparable {
        public var commune: String
        public var target: String
        public var bucketStart: Double

        public init(commune: String, target: String, bucketStart: Double) {
            self.commune = commune
            self.target = target
            self.bucketStart = bucketStart
        }

        public static func < (a: Key, b: Key) -> Bool {
            (a.commune, a.target, a.bucketStart) < (b.commune, b.target, b.bucketStart)
        }
    }

    public var key: Key { Key(commune: commune, target: target, bucketStart: bucketStart) }

    public var start: Date { Date(timeIntervalSince1970: bucketStart) }

    public mutating func add(_ r: ProbeRound) {
        rounds += 1
        sent += r.sent
        received += r.received
        for rtt in r.rttSeconds {
            rttCount += 1
            rttSum += rtt
            histogram.add(rtt)
        }
        if let low = r.rttSeconds.min() { rttMin = min(rttMin ?? low, low) }
        if let high = r.rttSeconds.max() { rttMax = max(rttMax ?? high, high) }
        if let median = r.medianRTTSeconds {
            medianCount += 1
            medianSum += median
        }
        if let jitter = r.jitterSeconds {
            jitterCount += 1
            jitterSum += jitter
        }
    }

    /// Adds another rollup of any link and hour (the caller decides what belongs together).
    public mutating func merge(_ o: LinkRollup) {
        rounds += o.rounds
        sent += o.sent
        received += o.received
        rttCount += o.rttCount
        rttSum += o.rttSum
        if let m = o.rttMin { rttMin = min(rttMin ?? m, m) }
        if let m = o.rttMax { rttMax = max(rttMax ?? m, m) }
        medianCount += o.medianCount
        medianSum += o.medianSum
        jitterCount += o.jitterCount
        jitterSum += o.jitterSum
        histogram.merge(o.histogram)
    }

    /// The RTT at quantile `q` from the histogram, clamped into the exact extremes; nil without replies.
    public func rttQuantile(_ q: Double) -> Double? {
        guard let v = histogram.quantile(q), let lo = rttMin, let hi = rttMax else { return nil }
        if q <= 0 { return lo }
        if q >= 1 { return hi }
        return min(max(v, lo), hi)
    }
}

extension Dictionary where Key == LinkRollup.Key, Value == LinkRollup {
    /// Adds a round to the rollup of its link and hour.
    mutating func add(_ r: ProbeRound) {
        let key = LinkRollup.Key(commune: r.commune, target: r.target, bucketStart: LinkRollup.bucket(of: r.start))
        self[key, default: LinkRollup(commune: key.commune, target: key.target, bucketStart: key.bucketStart)].add(r)
    }
}

extension Array where Element == ProbeRound {
    /// These rounds consolidated per link and hour.
    func hourlyRollups() -> [LinkRollup.Key: LinkRollup] {
        var out: [LinkRollup.Key: LinkRollup] = [:]
        for r in self { out.add(r) }
        return out
    }
}
