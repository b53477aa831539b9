import Foundation
import GRDB
import Logging
import NetmonProtocol

/// The gateway's durable store: one SQLite file in WAL mode holding raw rounds, rollups and the outbox.
///
/// Every write is one transaction (`synchronous = FULL`, so a committed round survives a power cut, not only a
/// crash): the round gets its sequence number, its raw row, its 5-minute and hourly rollups and its outbox row
/// together or not at all. The store is `Sendable`: GRDB's `DatabasePool` serialises writers and lets readers
/// (the forwarder, `/metrics`) run beside them.
public final class GatewayStore: Sendable {
    /// The database file.
    public let path: String
    /// The retention in force.
    public let retention: RetentionPolicy
    let pool: DatabasePool
    let encoder: JSONEncoder
    let logger: Logger

    /// Rollup resolutions in seconds: 5 minutes and one hour.
    public static let rollupResolutions: [Int] = [300, 3600]

    /// Opens (creating if needed) and migrates the database at `path`.
    public init(
        path: String, retention: RetentionPolicy = .standard, logger: Logger = Logger(label: "netmon.store")
    )
        throws(GatewayStoreError)
    {
        self.path = path
        self.retention = retention
        self.logger = logger
        self.encoder = WireCoding.makeEncoder()
        var configuration = Configuration()
        configuration.label = "netmon.gateway"
        configuration.busyMode = .timeout(10)
        // A gateway is a small box: two readers (forwarder, metrics) and a 512 KiB page cache per connection.
        configuration.maximumReaderCount = 2
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -512")
            // The pool's readers are read-only connections; only the writer sets these.
            guard !db.configuration.readonly else { return }
            // Must precede the first table of a new file; harmless afterwards. Lets retention give pages back.
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw GatewayStoreError(
                code: .open, message: "cannot open the database; check the directory exists and is writable",
                path: path, underlying: error)
        }
        let migrator = StoreSchema.makeMigrator()
        do {
            if try pool.read({ db in try migrator.hasBeenSuperseded(db) }) {
                throw GatewayStoreError(
                    code: .newerSchema,
                    message: "the database was written by a newer netmon; run that version or move the file away",
                    path: path)
            }
            try migrator.migrate(pool)
            // GRDB's WAL set-up chooses NORMAL, which may lose the last commits on power loss; a lost commit could
            // let a sequence number already forwarded be handed out again, so the one writer connection uses FULL.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch let error as GatewayStoreError {
            throw error
        } catch {
            throw GatewayStoreError(
                code: .migration, message: "cannot migrate the database schema", path: path, underlying: error)
        }
        self.pool = pool
    }

    /// Stores finished rounds in one transaction, numbering them from the probe's counter.
    ///
    /// - Returns: the rounds as stored and as they will be forwarded, in sequence order.
    @discardableResult
    public func record(
        _ measurements: [RoundMeasurement], probeID: String
    ) async throws(GatewayStoreError) -> [ProbeRound] {
        guard !measurements.isEmpty else { return [] }
        let encoder = self.encoder
        let retention = self.retention
        do {
            return try await pool.write { db in
                let last =
                    try Int64.fetchOne(
                        db, sql: "SELECT last_sequence FROM sequence_counter WHERE probe_id = ?", arguments: [probeID])
                    ?? 0
                let storeID = try Self.storeID(db)
                var rounds: [ProbeRound] = []
                rounds.reserveCapacity(measurements.count)
                let now = Date().timeIntervalSince1970
                for (offset, m) in measurements.enumerated() {
                    let round = ProbeRound(
                        probeID: probeID, sequence: last + Int64(offset) + 1, commune: m.commune, target: m.target,
                        address: m.address, kind: m.kind, start: m.start, stepSeconds: m.stepSeconds, sent: m.sent,
                        received: m.received, rttSeconds: m.rttSeconds, jitterSeconds: m.jitterSeconds,
                        storeID: storeID, directions: m.directions)
                    try Self.insert(round, into: db, encoder: encoder, now: now)
                    rounds.append(round)
                }
                try db.execute(
                    sql: """
                        INSERT INTO sequence_counter (probe_id, last_sequence) VALUES (?, ?)
                        ON CONFLICT(probe_id) DO UPDATE SET last_sequence = excluded.last_sequence
                        """,
                    arguments: [probeID, last + Int64(measurements.count)])
                try Self.enforceOutboxLimit(db, limit: retention.maxOutboxRounds)
                return rounds
            }
        } catch {
            throw GatewayStoreError(
                code: .write, message: "cannot store \(measurements.count) rounds", path: path, underlying: error)
        }
    }

    private static func insert(_ round: ProbeRound, into db: Database, encoder: JSONEncoder, now: Double) throws {
        try GatewayRoundRow(round).insert(db)
        let start = round.start.timeIntervalSince1970
        let median = round.medianRTTSeconds
        let rttSum = round.rttSeconds.reduce(0, +)
        for resolution in rollupResolutions {
            let bucket = (start / Double(resolution)).rounded(.down) * Double(resolution)
            try db.execute(
                sql: """
                    INSERT INTO rollup (resolution, commune, target, kind, bucket_start, rounds, sent, received,
                                        rtt_count, rtt_sum, rtt_min, rtt_max, median_count, median_sum, median_min,
                                        median_max, jitter_count, jitter_sum)
                    VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(resolution, commune, target, bucket_start) DO UPDATE SET
                        rounds = rounds + 1,
                        sent = sent + excluded.sent,
                        received = received + excluded.received,
                        rtt_count = rtt_count + excluded.rtt_count,
                        rtt_sum = rtt_sum + excluded.rtt_sum,
                        rtt_min = min(coalesce(rtt_min, excluded.rtt_min), coalesce(excluded.rtt_min, rtt_min)),
                        rtt_max = max(coalesce(rtt_max, excluded.rtt_max), coalesce(excluded.rtt_max, rtt_max)),
                        median_count = median_count + excluded.median_count,
                        median_sum = median_sum + excluded.median_sum,
                        median_min = min(coalesce(median_min, excluded.median_min),
                                         coalesce(excluded.median_min, median_min)),
                        median_max = max(coalesce(median_max, excluded.median_max),
                                         coalesce(excluded.median_max, median_max)),
                        jitter_count = jitter_count + excluded.jitter_count,
                        jitter_sum = jitter_sum + excluded.jitter_sum
                    """,
                arguments: [
                    resolution, round.commune, round.target, round.kind, bucket, round.sent, round.received,
                    round.rttSeconds.count, rttSum, round.rttSeconds.first, round.rttSeconds.last,
                    median == nil ? 0 : 1, median ?? 0, median, median,
                    round.jitterSeconds == nil ? 0 : 1, round.jitterSeconds ?? 0,
                ])
        }
        try RoundOutboxRow(
            probeID: round.probeID, sequence: round.sequence,
            payload: String(decoding: try encoder.encode(round), as: UTF8.self), enqueuedAt: now
        ).insert(db)
    }

    /// The store's current id (see ``StoreIdentity``).
    static func storeID(_ db: Database) throws -> String {
        guard let id = try String.fetchOne(db, sql: "SELECT store_id FROM store_identity WHERE singleton = 1") else {
            throw DatabaseError(message: "store_identity holds no store id")
        }
        return id
    }

    /// The store's current id: every round it numbers carries it.
    public func storeID() async throws(GatewayStoreError) -> String {
        do {
            return try await pool.read { db in try Self.storeID(db) }
        } catch {
            throw GatewayStoreError(code: .read, message: "cannot read the store id", path: path, underlying: error)
        }
    }

    static func enforceOutboxLimit(_ db: Database, limit: Int, kind: OutboxKind = .rounds) throws {
        let table = kind.outboxTable
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
        guard count > limit else { return }
        let excess = count - limit
        try db.execute(
            sql: """
                DELETE FROM \(table) WHERE rowid IN (SELECT rowid FROM \(table) ORDER BY enqueued_at, sequence LIMIT ?)
                """,
            arguments: [excess])
        try addCounter(db, name: kind.droppedCounter, by: excess)
    }

    static func addCounter(_ db: Database, name: String, by amount: Int) throws {
        try db.execute(
            sql: """
                INSERT INTO store_counter (name, value) VALUES (?, ?)
                ON CONFLICT(name) DO UPDATE SET value = value + excluded.value
                """,
            arguments: [name, amount])
    }
}
