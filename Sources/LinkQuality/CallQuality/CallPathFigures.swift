/// The network figures of one path of a call, the input of ``CallQualityEstimate``.
///
/// From ICMP and TCP rounds only the round trip is known: one-way delay and delay variation are taken as half the
/// round trip's (a symmetric path). Per-direction figures (STAMP with synchronised clocks) are given as they are.
public struct CallPathFigures: Sendable, Hashable, Codable {
    /// Where the figures come from.
    public enum Basis: String, Sendable, Hashable, Codable {
        /// Halves of round-trip figures (ICMP, TCP).
        case halfRoundTrip = "half_round_trip"
        /// One-way figures of one direction.
        case oneWay = "one_way"
    }

    /// One-way network delay, milliseconds.
    public var oneWayDelayMs: Double
    /// One-way delay variation, milliseconds (RFC 3550 interarrival jitter).
    public var delayVariationMs: Double
    /// Lost packets over sent, 0…1.
    public var lossRatio: Double
    /// Probes the figures rest on.
    public var probes: Int
    public var basis: Basis
    /// `uplink` or `downlink` for per-direction figures; nil for the round trip.
    public var direction: String?

    public init(
        oneWayDelayMs: Double, delayVariationMs: Double, lossRatio: Double, probes: Int, basis: Basis,
        direction: String? = nil
    ) {
        self.oneWayDelayMs = oneWayDelayMs
        self.delayVariationMs = delayVariationMs
        self.lossRatio = lossRatio
        self.probes = probes
        self.basis = basis
        self.direction = direction
    }

    /// Figures from round trips: the median round-trip time and the mean RFC 3550 jitter of the rounds (both
    /// halved), and the pooled loss. Nil without a reply (no delay to judge).
    public static func fromRoundTrips(
        rttSeconds: [Double], jitterSeconds: [Double], sent: Int, received: Int
    ) -> CallPathFigures? {
        let rtts = rttSeconds.filter { $0.isFinite && $0 >= 0 }.sorted()
        guard !rtts.isEmpty, sent > 0 else { return nil }
        let n = rtts.count
        let median = n % 2 == 1 ? rtts[n / 2] : (rtts[n / 2 - 1] + rtts[n / 2]) / 2
        let jitters = jitterSeconds.filter { $0.isFinite && $0 >= 0 }
        let jitter = jitters.isEmpty ? 0 : jitters.reduce(0, +) / Double(jitters.count)
        let lost = min(sent, max(0, sent - received))
        return CallPathFigures(
            oneWayDelayMs: median * 1000 / 2, delayVariationMs: jitter * 1000 / 2,
            lossRatio: Double(lost) / Double(sent), probes: sent, basis: .halfRoundTrip)
    }
}
