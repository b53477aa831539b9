/// The Wilson score interval (Wilson 1927) of a binomial proportion: here the loss ratio of a run of probes.
///
/// Unlike the normal-approximation (Wald) interval it stays inside [0, 1] and is not empty at 0 or at all probes
/// lost, which is exactly where loss judgements live; Newcombe (1998) recommends it among seven methods.
/// Bounds: (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
public struct WilsonInterval: Sendable, Hashable, Codable {
    /// The lower bound, 0…1.
    public var lower: Double
    /// The upper bound, 0…1.
    public var upper: Double

    /// The interval of `events` out of `trials` at the two-sided normal quantile `z` (1.96 for 95 %); nil without
    /// trials, with events outside 0…trials or a z that is not finite and positive.
    public init?(events: Int, trials: Int, z: Double) {
        guard trials > 0, events >= 0, events <= trials, z.isFinite, z > 0 else { return nil }
        let n = Double(trials)
        let p = Double(events) / n
        let z2 = z * z
        let centre = p + z2 / (2 * n)
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        let scale = 1 + z2 / n
        self.lower = max(0, (centre - half) / scale)
        self.upper = min(1, (centre + half) / scale)
    }

    /// The interval at a two-sided confidence level (0.95 for 95 %); nil as for ``init(events:trials:z:)`` or for a
    /// level outside (0, 1).
    public init?(events: Int, trials: Int, confidence: Double) {
        guard let z = NormalQuantile.twoSided(confidence: confidence) else { return nil }
        self.init(events: events, trials: trials, z: z)
    }

    /// The fewest trials without a single event whose upper bound is below `level` at the quantile `z`: a window
    /// shorter than this can never clear an alert whose clear level is `level`. From z²/(n + z²) < level,
    /// n > z²(1 − level)/level. Nil unless 0 < level < 1.
    public static func trialsToBoundBelow(_ level: Double, z: Double) -> Int? {
        guard level.isFinite, level > 0, level < 1, z.isFinite, z > 0 else { return nil }
        let bound = z * z * (1 - level) / level
        guard bound < Double(Int.max / 2) else { return nil }
        return Int(bound.rounded(.down)) + 1
    }
}
