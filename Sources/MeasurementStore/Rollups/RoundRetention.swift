import Foundation

/// How long the server keeps raw rounds and their hourly rollups (``LinkRollup``).
///
/// On PostgreSQL raw rounds live in one partition per UTC day and expire a whole day at a time (the partition is
/// dropped once its day ends before `now − raw`); rows of the default partition (rounds that arrived for a day
/// without a partition) and SQLite rows are deleted one by one. Rollups are deleted row by row: one per link and
/// hour, a small fraction of the rounds.
public struct RoundRetention: Sendable, Hashable {
    public var rawSeconds: Double
    public var rollupSeconds: Double

    /// `raw` and `rollup` in seconds; `rollup` must not be shorter than `raw` (a series beyond the raw rounds reads
    /// rollups).
    public init(rawSeconds: Double, rollupSeconds: Double) throws {
        guard rawSeconds.isFinite, rawSeconds >= 86400 else {
            throw StoreError(.badSetting, "raw round retention must be at least one day", context: "retention")
        }
        guard rollupSeconds.isFinite, rollupSeconds >= rawSeconds else {
            throw StoreError(
                .badSetting, "rollup retention must be at least the raw round retention", context: "retention")
        }
        self.rawSeconds = rawSeconds
        self.rollupSeconds = rollupSeconds
    }

    /// 90 days of raw rounds (what a series reads raw), 800 days of rollups (two years and more than the longest
    /// series range, 400 days).
    public static let standard = RoundRetention(unchecked: 90 * 86400, rollup: 800 * 86400)

    private init(unchecked raw: Double, rollup: Double) {
        self.rawSeconds = raw
        self.rollupSeconds = rollup
    }
}

/// What one pass of ``ProvinceStore/maintainRounds(now:retention:)`` did.
public struct RoundMaintenanceReport: Sendable, Hashable {
    /// Partitions made ahead of time (PostgreSQL: days of rounds, months of signal reports), by name.
    public var partitionsCreated: [String] = []
    /// Expired partitions dropped (PostgreSQL), by name.
    public var partitionsDropped: [String] = []
    /// Raw rounds deleted row by row (SQLite; PostgreSQL's default partition).
    public var roundsDeleted = 0
    /// Rows moved out of a default partition into a partition made for their day or month.
    public var rowsMoved = 0
    /// Expired rollups deleted.
    public var rollupsDeleted = 0
    /// Expired per-direction breakdowns of STAMP rounds deleted (`round_direction`, kept as long as raw rounds).
    public var directionsDeleted = 0

    public init() {}
}
