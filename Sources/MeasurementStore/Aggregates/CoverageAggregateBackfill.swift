/// What ``ProvinceStore/backfillCoverageAggregates(pageSize:)`` did.
public struct CoverageAggregateBackfill: Sendable, Hashable {
    /// The stored aggregates were stale (made with another aggregation, or none yet) and were cleared first.
    public var rebuilt = false
    /// Uploads whose aggregates were made from their reports.
    public var uploads = 0
    /// Reports read to make them.
    public var reports = 0

    public init(rebuilt: Bool = false, uploads: Int = 0, reports: Int = 0) {
        self.rebuilt = rebuilt
        self.uploads = uploads
        self.reports = reports
    }
}
