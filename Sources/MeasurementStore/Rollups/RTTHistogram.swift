import Foundation

/// Round-trip times counted in logarithmic bins, the mergeable form behind a rollup's percentiles.
///
/// Bin `k ≥ 1` holds RTTs in `(floor·γ^(k-1), floor·γ^k]` with `γ = 1.02` and `floor = 1 µs`; bin 0 holds
/// everything at or below 1 µs. A bin's value is its geometric middle, so a quantile read from merged histograms is
/// within 1 % (√γ − 1 ≈ 0.995 %) of an RTT of the pooled samples at that rank; ``LinkRollup`` clamps it into the
/// exact minimum and maximum. Adding two histograms is adding their counts, in any order and grouping.
public struct RTTHistogram: Sendable, Hashable {
    /// Count per bin index; only bins with samples.
    public private(set) var counts: [Int: Int]

    public static let growth = 1.02
    public static let floorSeconds = 1e-6
    /// Bins above this index are folded into it (RTTs beyond about 24 hours, never a real round trip).
    static let maxBin = 5000

    public init() { self.counts = [:] }

    /// The bin of an RTT in seconds (non-finite and negative values count as the floor).
    public static func bin(of seconds: Double) -> Int {
        guard seconds.isFinite, seconds > floorSeconds else { return 0 }
        let k = (log(seconds / floorSeconds) / log(growth)).rounded(.up)
        guard k.isFinite else { return 0 }
        return k >= Double(maxBin) ? maxBin : max(1, Int(k))
    }

    /// The value a bin stands for, in seconds.
    public static func value(ofBin k: Int) -> Double {
        k <= 0 ? floorSeconds : floorSeconds * pow(growth, Double(k) - 0.5)
    }

    public var total: Int { counts.values.reduce(0, +) }

    public mutating func add(_ seconds: Double) {
        counts[Self.bin(of: seconds), default: 0] += 1
    }

    public mutating func merge(_ other: RTTHistogram) {
        for (k, n) in other.counts { counts[k, default: 0] += n }
    }

    /// The value at quantile `q` (0…1) by the rank rule of the raw series (position `q·(n−1)`, interpolated between
    /// the two neighbouring samples' bin values); nil when empty.
    public func quantile(_ q: Double) -> Double? {
        let n = total
        guard n > 0, q.isFinite else { return nil }
        let position = min(max(q, 0), 1) * Double(n - 1)
        let lower = Int(position.rounded(.down))
        let fraction = position - Double(lower)
        let a = valueAt(rank: lower)
        let b = fraction > 0 ? valueAt(rank: min(lower + 1, n - 1)) : a
        return a * (1 - fraction) + b * fraction
    }

    /// The bin value of the sample at 0-based rank `rank`.
    private func valueAt(rank: Int) -> Double {
        var seen = 0
        for k in counts.keys.sorted() {
            seen += counts[k, default: 0]
            if rank < seen { return Self.value(ofBin: k) }
        }
        return Self.value(ofBin: counts.keys.max() ?? 0)
    }

    /// `bin:count` pairs by ascending bin, separated by `;` (the stored text; empty for no samples).
    public var text: String {
        counts.keys.sorted().map { "\($0):\(counts[$0, default: 0])" }.joined(separator: ";")
    }

    /// Reads ``text``; a malformed pair is an error naming it.
    public init(text: String) throws {
        self.counts = [:]
        guard !text.isEmpty else { return }
        for pair in text.split(separator: ";", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), (0...Self.maxBin).contains(k), n > 0
            else {
                throw StoreError(.corrupt, "RTT histogram pair '\(pair)' is not BIN:COUNT", context: "link_rollup")
            }
            counts[k, default: 0] += n
        }
    }
}
