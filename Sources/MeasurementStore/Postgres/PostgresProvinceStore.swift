import Foundation
import Logging
import NetmonProtocol
import PostgresNIO

/// The province store on a PostgreSQL server through postgres-nio's `PostgresClient` (a connection pool).
///
/// Same schema and migrations as SQLite (``ProvinceSchema``); applied migrations are recorded in a
/// `grdb_migrations (identifier)` table, as GRDB does, so both backends keep the same bookkeeping.
/// The client only works while ``run()`` runs (put the store in the service group, or run it in a task).
public final class PostgresProvinceStore: ProvinceStore {
    public let location: PostgresLocation
    /// The connection pool, shared with the tables other modules keep in this database (alert state).
    public let client: PostgresClient
    let logger: Logger
    /// PostgreSQL-only migrations applied after the province schema's: the leader lease, then `additionalMigrations`.
    let postgresMigrations: [ProvinceSchema.Migration]
    /// The coverage aggregates writes keep, once the server says which.
    let keptAggregation = KeptAggregation()

    /// Creates the store; nothing connects until ``run()`` runs and a query needs a connection.
    /// `additionalMigrations` (another module's tables in this database, such as alert state) are applied by
    /// ``migrate()`` after the province schema, recorded the same way.
    public init(
        location: PostgresLocation, logger: Logger = Logger(label: "netmon.store.postgres"),
        additionalMigrations: [ProvinceSchema.Migration] = []
    ) throws {
        self.location = location
        self.logger = logger
        self.postgresMigrations = PostgresLeaderLease.migrations + additionalMigrations
        var config = try location.clientConfiguration()
        config.options.maximumConnections = 8
        config.options.connectTimeout = .seconds(5)
        self.client = PostgresClient(configuration: config, backgroundLogger: logger)
    }

    var context: String { "postgres://\(location.host):\(location.port)/\(location.database)" }

    /// Runs `body`, turning its errors into ``StoreError``s that name the database and `what`.
    @discardableResult
    public func wrap<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as StoreError {
            throw e
        } catch let e as PostgresTransactionError where e.closureError is StoreError {
            // A store error raised inside a transaction (a failed fence) keeps its code.
            throw e.closureError ?? e
        } catch let e as PSQLError {
            let server = e.serverInfo?[.message] ?? "\(e.code)"
            throw StoreError(.statement, server, context: "\(context): \(what)")
        } catch {
            throw StoreError(.statement, "\(error)", context: "\(context): \(what)")
        }
    }

    public func run() async throws {
        await client.run()
    }

    /// One direct connection before the pool is used. The pool retries a refused connection for ever (a wrong
    /// password or an `sslmode` the server cannot meet would hang start-up without a word); this fails at once
    /// with the server's reason, the URL shown without its password.
    func checkConnection() async throws {
        var configuration = try self.location.connectionConfiguration()
        configuration.options.connectTimeout = .seconds(5)
        do {
            let connection = try await PostgresConnection.connect(
                configuration: configuration, id: 0, logger: self.logger)
            try? await connection.close()
        } catch let error as PSQLError {
            let reason = error.serverInfo?[.message] ?? "\(error.code)"
            throw StoreError(.unavailable, "cannot connect: \(reason)", context: self.location.redactedURL)
        } catch {
            throw StoreError(.unavailable, "cannot connect: \(error)", context: self.location.redactedURL)
        }
    }

    public func migrate() async throws {
        try await self.checkConnection()
        try await wrap("migrate") {
            try await client.withTransaction(logger: logger) { conn in
                // Replicas starting together: the first to take this transaction-scoped lock creates the
                // bookkeeping table and migrates; the others wait and then find everything applied. (Two
                // `CREATE TABLE IF NOT EXISTS` at once can both pass the check and one then fails.)
                try await conn.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
                try await conn.query(
                    "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)",
                    logger: logger)
                try await conn.query("LOCK TABLE grdb_migrations IN EXCLUSIVE MODE", logger: logger)
                var applied = Set<String>()
                for try await id in try await conn.query("SELECT identifier FROM grdb_migrations", logger: logger)
                    .decode(String.self)
                {
                    applied.insert(id)
                }
                for migration in ProvinceSchema.migrations + self.postgresMigrations
                where !applied.contains(migration.id) {
                    for sql in migration.postgresStatements + migration.statements {
                        try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                    }
                    if let followUp = migration.followUp { try await Self.run(followUp, conn: conn, logger: logger) }
                    try await conn.query(
                        "INSERT INTO grdb_migrations (identifier) VALUES (\(migration.id))", logger: logger)
                }
            }
        }
    }

    /// The advisory lock key that serialises migrations (`netmon` in ASCII).
    static let migrationLockKey: Int64 = 0x6e65_746d_6f6e

    static func placeholders(rows: Int, columns: Int) -> String {
        var parts: [String] = []
        parts.reserveCapacity(rows)
        var n = 0
        for _ in 0..<rows {
            var cols: [String] = []
            for _ in 0..<columns {
                n += 1
                cols.append("$\(n)")
            }
            parts.append("(" + cols.joined(separator: ", ") + ")")
        }
        return parts.joined(separator: ", ")
    }

    static func bind(_ rounds: some Collection<ProbeRound>, received: Double) throws -> PostgresBindings {
        var b = PostgresBindings(capacity: rounds.count * ProvinceSchema.roundColumns.count)
        for r in rounds {
            b.append(r.probeID)
            b.append(r.sequence)
            b.append(r.commune)
            b.append(r.target)
            b.append(r.address)
            b.append(r.kind)
            b.append(r.start.timeIntervalSince1970)
            b.append(r.stepSeconds)
            b.append(Int32(clamping: r.sent))
            b.append(Int32(clamping: r.received))
            b.append(RTTText.encode(r.rttSeconds))
            b.append(r.jitterSeconds)
            b.append(r.medianRTTSeconds)
            b.append(r.lossRatio)
            b.append(received)
            b.append(r.storedStoreID)
        }
        return b
    }

    public func ingest(_ rounds: [ProbeRound], probeID: String, receivedAt: Date) async throws -> IngestOutcome {
        let (unique, repeats, batchConflicts) = rounds.splitByIdentity()
        let received = receivedAt.timeIntervalSince1970
        let logger = self.logger
        let columns = ProvinceSchema.roundColumns.count
        return try await wrap("ingest") {
            try await PostgresTransientRetry.run("ingest", logger: logger) {
                try await client.withTransaction(logger: logger) { conn in
                    // Identities at or below their store's watermark may be stored (in any partition): look them up.
                    // The rest are new for sure (see `RoundPartitions`); the watermark rows stay locked till commit.
                    let marks = try await Self.lockWatermarks(of: unique, conn: conn, logger: logger)
                    let maybeStored = unique.filter { $0.sequence <= marks[WatermarkKey($0), default: Int64.min] }
                    let stored = try await Self.storedRounds(maybeStored, conn: conn, logger: logger)
                    var inserted: [ProbeRound] = []
                    inserted.reserveCapacity(unique.count)
                    var duplicates = repeats
                    var conflicts = batchConflicts
                    for r in unique {
                        if let old = stored[RoundIdentity(r)] {
                            // The same round sent again, or another round under a reused number.
                            if old.sameMeasurement(as: r) { duplicates += 1 } else { conflicts.append(r) }
                        } else {
                            inserted.append(r)
                        }
                    }
                    var start = 0
                    while start < inserted.count {
                        let chunk = inserted[start..<min(start + 1000, inserted.count)]
                        start += chunk.count
                        let sql =
                            "INSERT INTO probe_round (\(ProvinceSchema.roundColumnList)) VALUES "
                            + Self.placeholders(rows: chunk.count, columns: columns)
                        try await conn.query(
                            PostgresQuery(unsafeSQL: sql, binds: try Self.bind(chunk, received: received)),
                            logger: logger)
                    }
                    try await Self.insertDirections(inserted, conn: conn, logger: logger)
                    try await Self.raiseWatermarks(inserted, conn: conn, logger: logger)
                    try await Self.mergeRollups(inserted.hourlyRollups(), conn: conn, logger: logger)
                    let newest = inserted.newestPerLink()
                    if !newest.isEmpty {
                        let sql =
                            "INSERT INTO link_latest (\(ProvinceSchema.roundColumnList)) VALUES "
                            + Self.placeholders(rows: newest.count, columns: columns) + " "
                            + ProvinceSchema.linkLatestUpsert
                        try await conn.query(
                            PostgresQuery(unsafeSQL: sql, binds: try Self.bind(newest, received: received)),
                            logger: logger)
                    }
                    let status = ProbeUpdate(probeID: probeID, inserted: inserted)
                    var b = PostgresBindings(capacity: 6)
                    b.append(status.probeID)
                    b.append(status.commune)
                    b.append(received)
                    b.append(status.accepted)
                    b.append(status.lastSequence)
                    b.append(status.storeID)
                    try await conn.query(
                        PostgresQuery(unsafeSQL: ProvinceSchema.probeUpsert { "$\($0)" }, binds: b), logger: logger)
                    return IngestOutcome(
                        accepted: inserted.count, duplicates: duplicates, acceptedRounds: inserted,
                        conflictingRounds: conflicts)
                }
            }
        }
    }

    /// The stored rounds with the identities of `rounds`, by identity.
    static func storedRounds(
        _ rounds: [ProbeRound], conn: PostgresConnection, logger: Logger
    ) async throws -> [RoundIdentity: ProbeRound] {
        var out: [RoundIdentity: ProbeRound] = [:]
        var start = 0
        while start < rounds.count {
            let chunk = rounds[start..<min(start + 1000, rounds.count)]
            start += chunk.count
            var b = PostgresBindings(capacity: chunk.count * 3)
            for r in chunk {
                b.append(r.probeID)
                b.append(r.storedStoreID)
                b.append(r.sequence)
            }
            let sql =
                "SELECT \(ProvinceSchema.roundColumnList) FROM probe_round WHERE (probe_id, store_id, sequence) IN ("
                + Self.placeholders(rows: chunk.count, columns: 3) + ")"
            let rows = try await conn.query(PostgresQuery(unsafeSQL: sql, binds: b), logger: logger)
            for try await row in rows {
                let round = try Self.storedRound(PostgresRandomAccessRow(row)).round
                out[RoundIdentity(round)] = round
            }
        }
        return out
    }

    static func storedRound(_ c: PostgresRandomAccessRow) throws -> StoredRound {
        try RoundRow.make(
            probeID: c[0].decode(String.self), sequence: c[1].decode(Int64.self),
            commune: c[2].decode(String.self), target: c[3].decode(String.self),
            address: c[4].decode(String.self), kind: c[5].decode(String.self),
            startAt: c[6].decode(Double.self), stepSeconds: c[7].decode(Double.self),
            sent: Int(c[8].decode(Int32.self)), received: Int(c[9].decode(Int32.self)),
            rttText: c[10].decode(String.self), jitter: c[11].decode(Double?.self),
            receivedAt: c[14].decode(Double.self), storeID: c[15].decode(String.self))
    }

    private func readRounds(_ query: PostgresQuery) async throws -> [StoredRound] {
        try await wrap("read rounds") {
            var out: [StoredRound] = []
            let rows = try await client.query(query, logger: logger)
            for try await row in rows {
                out.append(try Self.storedRound(PostgresRandomAccessRow(row)))
            }
            return out
        }
    }

    public func latestRounds() async throws -> [StoredRound] {
        try await readRounds(
            PostgresQuery(
                unsafeSQL: "SELECT \(ProvinceSchema.roundColumnList) FROM link_latest ORDER BY commune, target"))
    }

    public func rounds(
        commune: String, target: String, from: Date, to: Date, limit: Int
    ) async throws
        -> [StoredRound]
    {
        var b = PostgresBindings(capacity: 5)
        b.append(commune)
        b.append(target)
        b.append(from.timeIntervalSince1970)
        b.append(to.timeIntervalSince1970)
        b.append(Int64(limit))
        return try await readRounds(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(ProvinceSchema.roundColumnList) FROM probe_round
                    WHERE commune = $1 AND target = $2 AND start_at >= $3 AND start_at < $4
                    ORDER BY start_at, probe_id, sequence LIMIT $5
                    """, binds: b))
    }

    public func probes() async throws -> [ProbeStatus] {
        try await wrap("probes") {
            var out: [ProbeStatus] = []
            let rows = try await client.query(
                "SELECT probe_id, commune, last_heard_at, rounds_accepted, last_sequence FROM probe ORDER BY probe_id",
                logger: logger)
            for try await (id, commune, heard, count, seq) in rows.decode((String, String, Double, Int64, Int64).self) {
                out.append(
                    ProbeStatus(
                        probeID: id, commune: commune, lastHeardAt: Date(timeIntervalSince1970: heard),
                        roundsAccepted: count, lastSequence: seq))
            }
            return out
        }
    }

    public func roundCount() async throws -> Int {
        try await wrap("count") {
            for try await n in try await client.query("SELECT COUNT(*) FROM probe_round", logger: logger)
                .decode(Int64.self)
            {
                return Int(n)
            }
            return 0
        }
    }

    public func saveToken(_ token: StoredToken) async throws {
        // One upsert by name, not a delete and an insert: replicas starting together install the same tokens file
        // at the same moment, and the second insert of a name would otherwise fail on the key.
        try await wrap("save token '\(token.name)'") {
            try await client.query(
                """
                INSERT INTO api_token (name, role, probe_id, token_hash, created_at)
                VALUES (\(token.name), \(token.role.rawValue), \(token.probeID), \(token.hash.hex), \(token.createdAt.timeIntervalSince1970))
                ON CONFLICT (name) DO UPDATE SET role = excluded.role, probe_id = excluded.probe_id,
                    token_hash = excluded.token_hash, created_at = excluded.created_at
                """, logger: logger)
        }
    }

    public func tokens() async throws -> [StoredToken] {
        try await wrap("tokens") {
            var out: [StoredToken] = []
            let rows = try await client.query(
                "SELECT name, role, probe_id, token_hash, created_at FROM api_token ORDER BY name", logger: logger)
            for try await (name, role, probe, hash, created) in rows.decode(
                (String, String, String?, String, Double).self)
            {
                out.append(
                    try SQLiteProvinceStore.token(
                        name: name, role: role, probeID: probe, hash: hash, createdAt: created))
            }
            return out
        }
    }

    public func deleteToken(name: String, at time: Date) async throws -> Bool {
        let logger = self.logger
        return try await wrap("delete token") {
            try await client.withTransaction(logger: logger) { conn in
                var hashes: [String] = []
                for try await hash in try await conn.query(
                    "DELETE FROM api_token WHERE name = \(name) RETURNING token_hash", logger: logger
                ).decode(String.self) {
                    hashes.append(hash)
                }
                for hash in hashes {
                    try await conn.query(
                        """
                        INSERT INTO revoked_token (token_hash, name, revoked_at)
                        VALUES (\(hash), \(name), \(time.timeIntervalSince1970)) ON CONFLICT DO NOTHING
                        """, logger: logger)
                }
                return !hashes.isEmpty
            }
        }
    }

    public func isRevoked(_ hash: TokenHash) async throws -> Bool {
        try await wrap("revoked tokens") {
            for try await n in try await client.query(
                "SELECT COUNT(*) FROM revoked_token WHERE token_hash = \(hash.hex)", logger: logger
            ).decode(Int64.self) {
                return n > 0
            }
            return false
        }
    }

    public func saveCoverageSnapshot(_ snapshot: CoverageSnapshot) async throws {
        try await wrap("save coverage snapshot") {
            try await client.query(
                """
                INSERT INTO coverage_snapshot (kind, created_at, json)
                VALUES (\(snapshot.kind), \(snapshot.createdAt.timeIntervalSince1970), \(snapshot.json))
                ON CONFLICT (kind) DO UPDATE SET created_at = excluded.created_at, json = excluded.json
                """, logger: logger)
        }
    }

    public func coverageSnapshot(kind: String) async throws -> CoverageSnapshot? {
        try await wrap("coverage snapshot") {
            for try await (k, created, json) in try await client.query(
                "SELECT kind, created_at, json FROM coverage_snapshot WHERE kind = \(kind)", logger: logger
            ).decode((String, Double, String).self) {
                return CoverageSnapshot(kind: k, createdAt: Date(timeIntervalSince1970: created), json: json)
            }
            return nil
        }
    }

    public func close() async throws {
        // The client stops when the task running `run()` is cancelled.
    }
}
