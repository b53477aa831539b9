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

    /// Stores `rounds` in one transaction, dropping those whose (probe id, sequence) is already stored
    /// (also duplicates inside the batch), and records that `probeID` was heard from at `receivedAt`.
    /// The caller validates the rounds first; the store only enforces its constraints.
    func ingest(_ rounds: [ProbeRound], probeID: String, receivedAt: Date) async throws -> IngestOutcome

    /// The newest round of every link (commune, target) ever heard.
    func latestRounds() async throws -> [StoredRound]

    /// Rounds of one link whose step starts in `[from, to)`, oldest first, at most `limit`.
    func rounds(commune: String, target: String, from: Date, to: Date, limit: Int) async throws -> [StoredRound]

    /// Every probe heard from, with when it was last heard and how many rounds it delivered.
    func probes() async throws -> [ProbeStatus]

    /// Number of stored rounds.
    func roundCount() async throws -> Int

    /// Adds or replaces (by name) an API token; only its SHA-256 hash is stored.
    func saveToken(_ token: StoredToken) async throws

    /// Every stored token (hashes only).
    func tokens() async throws -> [StoredToken]

    /// Removes a token by name; returns whether one existed.
    func deleteToken(name: String) async throws -> Bool

    /// Stores a coverage snapshot (JSON produced by the coverage model) under a kind, replacing the previous one.
    func saveCoverageSnapshot(_ snapshot: CoverageSnapshot) async throws

    /// The newest coverage snapshot of a kind, if any.
    func coverageSnapshot(kind: String) async throws -> CoverageSnapshot?

    /// Closes connections. The store is unusable afterwards.
    func close() async throws
}
