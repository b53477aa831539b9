import CoverageModel
import Foundation
import NetmonProtocol

/// The provincial server's persistence: probe rounds, probes, API tokens and coverage snapshots.
///
/// Two implementations share one schema and one list of migrations (``ProvinceSchema``):
/// ``SQLiteProvinceStore`` (GRDB, WAL, `DatabasePool`) and ``PostgresProvinceStore`` (postgres-nio `PostgresClient`).
/// Every write is one transaction: it happens completely or not at all.
public protocol ProvinceStore: Sendable {
    /// Applies every pending migration. Idempotent.
    func migrate() async throws

    /// Keeps the store's connections alive until cancelled (PostgreSQL runs its client here; SQLite just waits).
    func run() async throws

    /// Stores `rounds` in one transaction, dropping those whose identity (probe id, store id, sequence) is already
    /// stored with the same content (also repeats inside the batch), reporting those stored with other content as
    /// conflicts, and records that `probeID` was heard from at `receivedAt`.
    /// The caller validates the rounds first; the store only enforces its constraints.
    func ingest(_ rounds: [ProbeRound], probeID: String, receivedAt: Date) async throws -> IngestOutcome

    /// The newest round of every link (commune, target) ever heard.
    func latestRounds() async throws -> [StoredRound]

    /// Rounds of one link whose step starts in `[from, to)`, oldest first, at most `limit`.
    func rounds(commune: String, target: String, from: Date, to: Date, limit: Int) async throws -> [StoredRound]

    /// The direction breakdowns of one link's STAMP rounds whose step starts in `[from, to)`, oldest first, at most
    /// `limit` rounds (see ``StoredRoundDirections``).
    func roundDirections(
        commune: String, target: String, from: Date, to: Date, limit: Int
    ) async throws -> [StoredRoundDirections]

    /// Every probe heard from, with when it was last heard and how many rounds it delivered.
    func probes() async throws -> [ProbeStatus]

    /// Number of stored rounds.
    func roundCount() async throws -> Int

    /// Adds or replaces (by name) an API token; only its SHA-256 hash is stored.
    func saveToken(_ token: StoredToken) async throws

    /// Every stored token (hashes only).
    func tokens() async throws -> [StoredToken]

    /// Removes a token by name and records its hash as revoked at `time`; returns whether one existed.
    func deleteToken(name: String, at time: Date) async throws -> Bool

    /// Whether a token with this hash was deleted (a tokens file read at start-up must not bring it back).
    func isRevoked(_ hash: TokenHash) async throws -> Bool

    /// Stores a coverage snapshot (JSON produced by the coverage model) under a kind, replacing the previous one.
    func saveCoverageSnapshot(_ snapshot: CoverageSnapshot) async throws

    /// The newest coverage snapshot of a kind, if any.
    func coverageSnapshot(kind: String) async throws -> CoverageSnapshot?

    /// Stores several snapshots in one transaction (readers see all of them or none of them).
    func saveCoverageSnapshots(_ snapshots: [CoverageSnapshot]) async throws

    // MARK: Signal reports
    //
    // An upload is written in steps so that a long upload never holds the write lock (SQLite has one writer, and
    // probe ingest must go on): `beginReportUpload` records it as `receiving`, `appendSignalReports` writes batches,
    // `commitReportUpload` marks it `complete` in one statement. Only complete uploads are read for coverage, so
    // an upload counts completely or not at all; `abortReportUpload` and `discardIncompleteReportUploads`
    // remove what an unfinished upload wrote.

    /// Records a new upload in state `receiving`.
    func beginReportUpload(_ upload: ReportUpload) async throws

    /// Writes a batch of an upload's reports (one transaction), numbered from `firstOrdinal`.
    func appendSignalReports(_ reports: [SignalReport], uploadID: String, firstOrdinal: Int64) async throws

    /// Marks an upload `complete` with its final counts; from now on its rows count.
    func commitReportUpload(_ upload: ReportUpload) async throws

    /// Removes an upload and its rows (any state).
    func abortReportUpload(id: String) async throws

    /// Removes every upload left `receiving` (by a crash or a lost client); returns how many.
    func discardIncompleteReportUploads() async throws -> Int

    /// Complete uploads, oldest first.
    func reportUploads() async throws -> [ReportUpload]

    /// Number of stored reports of complete uploads.
    func signalReportCount() async throws -> Int

    /// Reports of complete uploads after `cursor` (from the start when nil), at most `limit`, in (upload, ordinal)
    /// order.
    func signalReports(after cursor: SignalReportCursor?, limit: Int) async throws -> SignalReportPage

    /// Stores a gateway's signal reports in one transaction (see ``GatewaySignalEntry``): each goes into the
    /// complete upload of its probe and gateway store (made on first use, `source` = `source`), its sequence as
    /// ordinal. A report whose identity is stored with the same content is a duplicate, with other content a
    /// conflict (not stored). The caller validates the reports first.
    func ingestGatewaySignalReports(
        _ entries: [GatewaySignalEntry], probeID: String, source: String, receivedAt: Date
    ) async throws -> GatewaySignalOutcome

    /// Number of stored reports of complete uploads that came from gateways (`source` other than `upload`).
    func gatewaySignalReportCount() async throws -> Int
    // MARK: Coverage aggregates (incremental coverage)
    //
    // Beside its reports, each upload keeps its mergeable per-cell aggregates (``CellAggregates``), written in the
    // same transaction as the reports; the sum over the complete uploads is kept too, so coverage is computed from
    // it and an upload or a delete costs the cells it touches, not the store (see ``CoverageAggregateSQL``).

    /// From now on, every write of reports also writes their aggregates made with `aggregation`, as long as the
    /// stored aggregates were made with it. A store keeping none (or another) marks the stored ones stale when it
    /// writes reports, and ``backfillCoverageAggregates(pageSize:)`` rebuilds them.
    func keepCoverageAggregates(_ aggregation: CellAggregation)

    /// Makes the stored aggregates current for the kept aggregation: clears them when stale, then makes those of
    /// every complete upload that has none from its reports (read `pageSize` at a time, one upload per write
    /// transaction, so memory stays bounded and writers wait only for a short commit).
    func backfillCoverageAggregates(pageSize: Int) async throws -> CoverageAggregateBackfill

    /// The sum of the complete uploads' aggregates; nil unless they are current for the kept aggregation (every
    /// complete upload has its aggregates).
    func coverageCellAggregates() async throws -> CellAggregates?

    // MARK: Coverage history

    /// Stores the points of one recomputation (one transaction; a point of the same scope and time is replaced), then
    /// thins points older than
    /// `CoverageHistoryRetention.keepEverySeconds` before `now` to the last of each province-local day.
    func appendCoverageHistory(_ points: [CoverageHistoryPoint], now: Date) async throws

    /// Points of the province (`commune` nil) or of one commune with `from <= computedAt <= until` (either bound
    /// optional), oldest first, at most `limit`.
    func coverageHistory(
        commune: String?, from: Date?, until: Date?, limit: Int
    ) async throws
        -> [CoverageHistoryPoint]

    // MARK: Retention and rollups (see ``RoundPartitions``)

    /// One pass of round upkeep (the leader's, hourly): on PostgreSQL makes the day partitions of yesterday to a week
    /// ahead (moving any rounds the default partition holds for those days), drops day partitions that ended before
    /// `now − retention.rawSeconds` and deletes older rows of the default partition; on SQLite deletes those rounds
    /// row by row. On both, deletes rollups older than `now − retention.rollupSeconds`.
    func maintainRounds(now: Date, retention: RoundRetention) async throws -> RoundMaintenanceReport

    /// The hourly rollups of one link whose hour starts in `[from, to)`, oldest first.
    func linkRollups(commune: String, target: String, from: Date, to: Date) async throws -> [LinkRollup]

    /// Closes connections. The store is unusable afterwards.
    func close() async throws
}
