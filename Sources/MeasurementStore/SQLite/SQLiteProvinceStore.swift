import Foundation
import GRDB
import NetmonProtocol

/// The province store in one SQLite file: GRDB `DatabasePool` (WAL: one writer, concurrent readers),
/// migrations by GRDB's `DatabaseMigrator` with the shared ``ProvinceSchema``.
public final class SQLiteProvinceStore: ProvinceStore {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// The coverage aggregates writes keep, once the server says which.
    let keptAggregation = KeptAggregation()

    /// Opens (creating if needed) the database file. Call ``migrate()`` before use.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.label = "netmon-province"
        do {
            self.pool = try DatabasePool(path: path, configuration: config)
            // FULL: a round is acknowledged to its gateway (which then deletes it) only after the commit; in WAL mode
            // NORMAL may roll back the last commits on power loss, so an acknowledged round could be lost. GRDB's WAL
            // set-up chooses NORMAL for the writer after `prepareDatabase`, so the one writer connection is set here.
            try self.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch {
            throw StoreError(.unavailable, "cannot open SQLite database: \(error)", context: "sqlite:\(path)")
        }
    }

    public func migrate() async throws {
        var migrator = DatabaseMigrator()
        for migration in ProvinceSchema.migrations {
            migrator.registerMigration(migration.id) { db in
                for sql in migration.sqliteStatements + migration.statements { try db.execute(sql: sql) }
                if let followUp = migration.followUp { try Self.run(followUp, db) }
            }
        }
        do {
            try migrator.migrate(pool)
        } catch {
            throw StoreError(.migration, "\(error)", context: "sqlite:\(path)")
        }
    }

    public func run() async throws {
        // Nothing to keep alive: wait until the surrounding task is cancelled.
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    public func ingest(_ rounds: [ProbeRound], probeID: String, receivedAt: Date) async throws -> IngestOutcome {
        let (unique, repeats, batchConflicts) = rounds.splitByIdentity()
        let received = receivedAt.timeIntervalSince1970
        let values = "(" + Array(repeating: "?", count: ProvinceSchema.roundColumns.count).joined(separator: ", ") + ")"
        let insertSQL =
            "INSERT INTO probe_round (\(ProvinceSchema.roundColumnList)) VALUES \(values) ON CONFLICT (probe_id, store_id, sequence) DO NOTHING"
        let existingSQL =
            "SELECT \(ProvinceSchema.roundColumnList) FROM probe_round WHERE probe_id = ? AND store_id = ? AND sequence = ?"
        let latestSQL =
            "INSERT INTO link_latest (\(ProvinceSchema.roundColumnList)) VALUES \(values) "
            + ProvinceSchema.linkLatestUpsert
        let probeSQL = ProvinceSchema.probeUpsert { _ in "?" }
        do {
            return try await pool.write { db in
                let insert = try db.cachedStatement(sql: insertSQL)
                var inserted: [ProbeRound] = []
                inserted.reserveCapacity(unique.count)
                var duplicates = repeats
                var conflicts = batchConflicts
                for r in unique {
                    try insert.execute(arguments: Self.arguments(r, received: received))
                    if db.changesCount > 0 {
                        inserted.append(r)
                        continue
                    }
                    // The identity is stored: the same round sent again, or another round under a reused number.
                    let stored = try Row.fetchOne(
                        db.cachedStatement(sql: existingSQL), arguments: [r.probeID, r.storedStoreID, r.sequence])
                    if let stored, try Self.storedRound(stored).round.sameMeasurement(as: r) {
                        duplicates += 1
                    } else {
                        conflicts.append(r)
                    }
                }
                try Self.insertDirections(inserted, db: db)
                try Self.mergeRollups(inserted.hourlyRollups(), db)
                let latest = try db.cachedStatement(sql: latestSQL)
                for r in inserted.newestPerLink() {
                    try latest.execute(arguments: Self.arguments(r, received: received))
                }
                let status = ProbeUpdate(probeID: probeID, inserted: inserted)
                try db.execute(
                    sql: probeSQL,
                    arguments: [
                        status.probeID, status.commune, received, status.accepted, status.lastSequence, status.storeID,
                    ])
                return IngestOutcome(
                    accepted: inserted.count, duplicates: duplicates, acceptedRounds: inserted,
                    conflictingRounds: conflicts)
            }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): ingest")
        }
    }

    private static func arguments(_ r: ProbeRound, received: Double) -> StatementArguments {
        [
            r.probeID, r.sequence, r.commune, r.target, r.address, r.kind, r.start.timeIntervalSince1970,
            r.stepSeconds, r.sent, r.received, RTTText.encode(r.rttSeconds), r.jitterSeconds, r.medianRTTSeconds,
            r.lossRatio, received, r.storedStoreID,
        ]
    }

    static func storedRound(_ row: Row) throws -> StoredRound {
        try RoundRow.make(
            probeID: row[0], sequence: row[1], commune: row[2], target: row[3], address: row[4], kind: row[5],
            startAt: row[6], stepSeconds: row[7], sent: row[8], received: row[9], rttText: row[10], jitter: row[11],
            receivedAt: row[14], storeID: row[15])
    }

    private func readRounds(_ sql: String, _ arguments: StatementArguments) async throws -> [StoredRound] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.storedRound)
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path)")
        }
    }

    public func latestRounds() async throws -> [StoredRound] {
        try await readRounds(
            "SELECT \(ProvinceSchema.roundColumnList) FROM link_latest ORDER BY commune, target", [])
    }

    public func rounds(
        commune: String, target: String, from: Date, to: Date, limit: Int
    ) async throws
        -> [StoredRound]
    {
        try await readRounds(
            """
            SELECT \(ProvinceSchema.roundColumnList) FROM probe_round
            WHERE commune = ? AND target = ? AND start_at >= ? AND start_at < ?
            ORDER BY start_at, probe_id, sequence LIMIT ?
            """,
            [commune, target, from.timeIntervalSince1970, to.timeIntervalSince1970, limit])
    }

    public func probes() async throws -> [ProbeStatus] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql:
                        "SELECT probe_id, commune, last_heard_at, rounds_accepted, last_sequence FROM probe ORDER BY probe_id"
                ).map { row in
                    ProbeStatus(
                        probeID: row[0], commune: row[1], lastHeardAt: Date(timeIntervalSince1970: row[2]),
                        roundsAccepted: row[3], lastSequence: row[4])
                }
            }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): probes")
        }
    }

    public func roundCount() async throws -> Int {
        do {
            return try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM probe_round") ?? 0 }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): count")
        }
    }

    public func saveToken(_ token: StoredToken) async throws {
        do {
            try await pool.write { db in
                try db.execute(sql: "DELETE FROM api_token WHERE name = ?", arguments: [token.name])
                try db.execute(
                    sql: "INSERT INTO api_token (name, role, probe_id, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        token.name, token.role.rawValue, token.probeID, token.hash.hex,
                        token.createdAt.timeIntervalSince1970,
                    ])
            }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): save token '\(token.name)'")
        }
    }

    public func tokens() async throws -> [StoredToken] {
        let rows: [Row]
        do {
            rows = try await pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT name, role, probe_id, token_hash, created_at FROM api_token ORDER BY name")
            }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): tokens")
        }
        return try rows.map { row in
            try Self.token(name: row[0], role: row[1], probeID: row[2], hash: row[3], createdAt: row[4])
        }
    }

    static func token(
        name: String, role: String, probeID: String?, hash: String, createdAt: Double
    ) throws
        -> StoredToken
    {
        guard let role = TokenRole(rawValue: role), let digest = TokenHash(hex: hash) else {
            throw StoreError(.corrupt, "token '\(name)' has role '\(role)' or a malformed hash", context: "api_token")
        }
        return StoredToken(
            name: name, role: role, probeID: probeID, hash: digest, createdAt: Date(timeIntervalSince1970: createdAt))
    }

    public func deleteToken(name: String, at time: Date) async throws -> Bool {
        do {
            return try await pool.write { db in
                guard
                    let hash = try String.fetchOne(
                        db, sql: "SELECT token_hash FROM api_token WHERE name = ?", arguments: [name])
                else { return false }
                try db.execute(sql: "DELETE FROM api_token WHERE name = ?", arguments: [name])
                try db.execute(
                    sql:
                        "INSERT INTO revoked_token (token_hash, name, revoked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [hash, name, time.timeIntervalSince1970])
                return true
            }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): delete token")
        }
    }

    public func isRevoked(_ hash: TokenHash) async throws -> Bool {
        do {
            return try await pool.read { db in
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM revoked_token WHERE token_hash = ?)", arguments: [hash.hex])
                    ?? false
            }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): revoked tokens")
        }
    }

    public func saveCoverageSnapshot(_ snapshot: CoverageSnapshot) async throws {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO coverage_snapshot (kind, created_at, json) VALUES (?, ?, ?)
                        ON CONFLICT (kind) DO UPDATE SET created_at = excluded.created_at, json = excluded.json
                        """,
                    arguments: [snapshot.kind, snapshot.createdAt.timeIntervalSince1970, snapshot.json])
            }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): save coverage snapshot")
        }
    }

    public func coverageSnapshot(kind: String) async throws -> CoverageSnapshot? {
        do {
            return try await pool.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT kind, created_at, json FROM coverage_snapshot WHERE kind = ?", arguments: [kind]
                ).map { row in
                    CoverageSnapshot(kind: row[0], createdAt: Date(timeIntervalSince1970: row[1]), json: row[2])
                }
            }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): coverage snapshot")
        }
    }

    public func close() async throws {
        try pool.close()
    }
}
