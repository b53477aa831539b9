import Foundation

/// One dated figure set of a coverage recomputation: the province's (`commune` nil) or one commune's.
///
/// Every recomputation stores one point for the province and one per commune, all with the same `computedAt`.
public struct CoverageHistoryPoint: Sendable, Hashable {
    /// When the recomputation ran.
    public var computedAt: Date
    /// The commune's code; nil for the province.
    public var commune: String?
    /// Signal reports the recomputation read.
    public var reports: Int
    /// Covered area / area per generation; nil where the generation is not judged (no floor).
    public var threeGAreaRatio: Double?
    public var fourGAreaRatio: Double?
    public var fiveGAreaRatio: Double?
    /// Speed-covered area / area, once the model judges speed; nil until then.
    public var speedAreaRatio: Double?
    /// Measured area / area.
    public var measuredRatio: Double
    public var deadCells: Int
    public var deadZones: Int
    /// Communes with some 4G (the province), or 1/0 whether the commune has 4G.
    public var communesWithFourG: Int
    /// Communes judged (the province), or 1 (a commune): the 4G target is met when `communesWithFourG` reaches it.
    public var communes: Int

    public init(
        computedAt: Date, commune: String?, reports: Int, threeGAreaRatio: Double?, fourGAreaRatio: Double?,
        fiveGAreaRatio: Double?, speedAreaRatio: Double? = nil, measuredRatio: Double, deadCells: Int, deadZones: Int,
        communesWithFourG: Int, communes: Int
    ) {
        self.computedAt = computedAt
        self.commune = commune
        self.reports = reports
        self.threeGAreaRatio = threeGAreaRatio
        self.fourGAreaRatio = fourGAreaRatio
        self.fiveGAreaRatio = fiveGAreaRatio
        self.speedAreaRatio = speedAreaRatio
        self.measuredRatio = measuredRatio
        self.deadCells = deadCells
        self.deadZones = deadZones
        self.communesWithFourG = communesWithFourG
        self.communes = communes
    }
}

/// How long every history point is kept, and the coarser rule after that.
public enum CoverageHistoryRetention {
    /// Every point of the last 90 days is kept; older points are thinned to the last of each day.
    public static let keepEverySeconds: Double = 90 * 86_400
    /// Days are counted in the province's time zone (Asia/Ho_Chi_Minh, UTC+07:00, no daylight saving).
    public static let dayOffsetSeconds: Double = 7 * 3600

    /// The province-local day number (days since 1970-01-01) of a time.
    public static func day(of date: Date) -> Int64 {
        let local = (date.timeIntervalSince1970 + dayOffsetSeconds) / 86_400
        return Int64(exactly: local.rounded(.down)) ?? 0
    }
}
