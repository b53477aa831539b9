import Foundation
import Logging
import NetmonProtocol
import PostgresNIO

/// One gateway store of one probe: the scope of a sequence number and of `probe_round_watermark`'s rows.
struct WatermarkKey: Hashable, Sendable, Comparable {
    var probeID: String
    var storeID: String

    init(_ round: ProbeRound) {
        self.probeID = round.probeID
        self.storeID = round.storedStoreID
    }

    init(probeID: String, storeID: String) {
        self.probeID = probeID
        self.storeID = storeID
    }

    static func < (a: WatermarkKey, b: WatermarkKey) -> Bool { (a.probeID, a.storeID) < (b.probeID, b.storeID) }
}

/// Day partitions of `probe_round`, the identity watermark and retention on PostgreSQL (see ``RoundPartitions``).
extension PostgresProvinceStore {
    /// Locks (making them when missing) the watermark rows of the stores of `rounds`, in one order for every
    /// transaction, and returns each store's highest stored sequence (`Int64.min` when it has none).
    static func lockWatermarks(
        of rounds: [ProbeRound], conn: PostgresConnection, logger: Logger
    ) async throws -> [WatermarkKey: Int64] {
        let keys = Set(rounds.map(WatermarkKey.init)).sorted()
        guard !keys.isEmpty else { return [:] }
        var b = PostgresBindings(capacity: 3)
        b.append(keys.map(\.probeID))
        b.append(keys.map(\.storeID))
        b.append(Int64.min)
        try await conn.query(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO probe_round_watermark (probe_id, store_id, max_sequence)
                    SELECT p, s, $3 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(p, s, n) ORDER BY n
                    ON CONFLICT (probe_id, store_id) DO NOTHING
                    """, binds: b), logger: logger)
        var marks: [WatermarkKey: Int64] = [:]
        var s = PostgresBindings(capacity: 2)
        s.append(keys.map(\.probeID))
        s.append(keys.map(\.storeID))
        let rows = try await conn.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT probe_id, store_id, max_sequence FROM probe_round_watermark
                    WHERE (probe_id, store_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
                    ORDER BY probe_id COLLATE "C", store_id COLLATE "C" FOR UPDATE
                    """, binds: s), logger: logger)
        for try await (p, st, seq) in rows.decode((String, String, Int64).self) {
            marks[WatermarkKey(probeID: p, storeID: st)] = seq
        }
        return marks
    }

    /// Raises the (locked) watermarks to the highest sequence of the rounds just inserted.
    static func raiseWatermarks(_ inserted: [ProbeRound], conn: PostgresConnection, logger: Logger) async throws {
        var highest: [WatermarkKey: Int64] = [:]
        for r in inserted { highest[WatermarkKey(r)] = max(highest[WatermarkKey(r)] ?? r.sequence, r.sequence) }
        for key in highest.keys.sorted() {
            guard let seq = highest[key] else { continue }
            try await conn.query(
                """
                UPDATE probe_round_watermark SET max_sequence = GREATEST(max_sequence, \(seq))
                WHERE probe_id = \(key.probeID) AND store_id = \(key.storeID)
                """, logger: logger)
        }
    }

    /// The names of the partitions of `table` (`probe_round` or `signal_report`; the default one included).
    func partitions(of table: String, conn: PostgresConnection) async throws -> Set<String> {
        var names = Set<String>()
        let rows = try await conn.query(
            """
            SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = \(table)
            """, logger: logger)
        for try await name in rows.decode(String.self) { names.insert(name) }
        return names
    }

    /// Makes the partition `name` of `table` (`probe_round` by `start_at`, `signal_report` by `stored_at`) for
    /// `[from, to)`. Rows the default partition holds for that range move into it in the same transaction
    /// (PostgreSQL refuses a partition whose rows the default partition holds); returns how many.
    func makePartition(
        table: String, key: String, name: String, from start: Double, to end: Double
    ) async throws
        -> Int
    {
        let from = String(format: "%.0f", start)
        let to = String(format: "%.0f", end)
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { conn in
            // Never queue ingest behind a long wait for the table lock: give up and try at the next pass.
            try await conn.query("SET LOCAL lock_timeout = '10s'", logger: logger)
            var waiting: Int64 = 0
            for try await n in try await conn.query(
                PostgresQuery(
                    unsafeSQL: "SELECT COUNT(*) FROM \(table)_default WHERE \(key) >= \(from) AND \(key) < \(to)"
                ), logger: logger
            ).decode(Int64.self) {
                waiting = n
            }
            if waiting == 0 {
                try await conn.query(
                    PostgresQuery(
                        unsafeSQL:
                            "CREATE TABLE \"\(name)\" PARTITION OF \(table) FOR VALUES FROM (\(from)) TO (\(to))"),
                    logger: logger)
                return 0
            }
            for sql in [
                "CREATE TABLE \"\(name)\" (LIKE \(table) INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
                """
                WITH moved AS (DELETE FROM \(table)_default WHERE \(key) >= \(from) AND \(key) < \(to) RETURNING *)
                INSERT INTO "\(name)" SELECT * FROM moved
                """,
                "ALTER TABLE \(table) ATTACH PARTITION \"\(name)\" FOR VALUES FROM (\(from)) TO (\(to))",
            ] {
                try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            }
            return Int(waiting)
        }
    }

    public func maintainRounds(now: Date, retention: RoundRetention) async throws -> RoundMaintenanceReport {
        let rawCutoff = now.timeIntervalSince1970 - retention.rawSeconds
        let rollupCutoff = now.timeIntervalSince1970 - retention.rollupSeconds
        let logger = self.logger
        return try await wrap("round maintenance") {
            var report = RoundMaintenanceReport()
            let (existing, reportMonths) = try await client.withConnection { conn in
                (
                    try await self.partitions(of: "probe_round", conn: conn),
                    try await self.partitions(of: "signal_report", conn: conn)
                )
            }
            // Signal reports: this month and the next.
            for month in [
                ReportPartitions.month(of: now), ReportPartitions.month(of: now.addingTimeInterval(32 * 86400)),
            ]
            where !reportMonths.contains(month.name) {
                report.rowsMoved += try await makePartition(
                    table: "signal_report", key: "stored_at", name: month.name, from: month.start, to: month.end)
                report.partitionsCreated.append(month.name)
            }
            // Yesterday (late rounds) to a week ahead (gateway clocks a little fast, and a leader that is down for days).
            let today = RoundPartitions.dayStart(of: now)
            for offset in -1...7 {
                let day = today + Double(offset) * RoundPartitions.daySeconds
                let name = RoundPartitions.partitionName(dayStart: day)
                guard !existing.contains(name), day + RoundPartitions.daySeconds > rawCutoff else { continue }
                report.rowsMoved += try await makePartition(
                    table: "probe_round", key: "start_at", name: name, from: day, to: day + RoundPartitions.daySeconds)
                report.partitionsCreated.append(name)
            }
            for name in existing.sorted() {
                guard let day = RoundPartitions.dayStart(ofPartition: name),
                    day + RoundPartitions.daySeconds <= rawCutoff
                else { continue }
                try await client.withTransaction(logger: logger) { conn in
                    try await conn.query("SET LOCAL lock_timeout = '10s'", logger: logger)
                    try await conn.query(PostgresQuery(unsafeSQL: "DROP TABLE \"\(name)\""), logger: logger)
                }
                report.partitionsDropped.append(name)
            }
            for try await n in try await client.query(
                "WITH gone AS (DELETE FROM probe_round_default WHERE start_at < \(rawCutoff) RETURNING 1) SELECT COUNT(*) FROM gone",
                logger: logger
            ).decode(Int64.self) {
                report.roundsDeleted = Int(n)
            }
            // The per-direction breakdowns of STAMP rounds (a plain table: few rows, stamp links only) go with them.
            for try await n in try await client.query(
                "WITH gone AS (DELETE FROM round_direction WHERE start_at < \(rawCutoff) RETURNING 1) SELECT COUNT(*) FROM gone",
                logger: logger
            ).decode(Int64.self) {
                report.directionsDeleted = Int(n)
            }
            let rollupLimit = rollupCutoff - LinkRollup.bucketSeconds
            for try await n in try await client.query(
                "WITH gone AS (DELETE FROM link_rollup WHERE bucket_start <= \(rollupLimit) RETURNING 1) SELECT COUNT(*) FROM gone",
                logger: logger
            ).decode(Int64.self) {
                report.rollupsDeleted = Int(n)
            }
            return report
        }
    }
}
