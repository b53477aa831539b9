import Foundation
import GRDB
import NetmonProtocol

/// Hourly link rollups and retention on SQLite: plain tables, rollups merged in the ingest's transaction (one
/// writer, so a read-merge-write needs no lock), expired rounds and rollups deleted row by row.
extension SQLiteProvinceStore {
    static func run(_ followUp: ProvinceSchema.Migration.FollowUp, _ db: Database) throws {
        switch followUp {
        case .buildLinkRollups:
            // An hour of rounds at a time (by the index on start_at), skipping hours without rounds.
            var next = try Double.fetchOne(db, sql: "SELECT MIN(start_at) FROM probe_round")
            while let at = next {
                let hour = (at / LinkRollup.bucketSeconds).rounded(.down) * LinkRollup.bucketSeconds
                let end = hour + LinkRollup.bucketSeconds
                // Streamed through a cursor: only the hour's rollups are held.
                var rollups: [LinkRollup.Key: LinkRollup] = [:]
                let rows = try Row.fetchCursor(
                    db,
                    sql:
                        "SELECT \(ProvinceSchema.roundColumnList) FROM probe_round WHERE start_at >= ? AND start_at < ?",
                    arguments: [hour, end])
                while let row = try rows.next() { rollups.add(try storedRound(row).round) }
                try mergeRollups(rollups, db)
                next = try Double.fetchOne(
                    db, sql: "SELECT MIN(start_at) FROM probe_round WHERE start_at >= ?", arguments: [end])
            }
        }
    }

    /// Adds `rollups` to the stored ones of the same link and hour.
    static func mergeRollups(_ rollups: [LinkRollup.Key: LinkRollup], _ db: Database) throws {
        guard !rollups.isEmpty else { return }
        let select = try db.cachedStatement(
            sql:
                "SELECT \(RoundPartitions.rollupColumnList) FROM link_rollup WHERE commune = ? AND target = ? AND bucket_start = ?"
        )
        let values = Array(repeating: "?", count: RoundPartitions.rollupColumns.count).joined(separator: ", ")
        let upsert = try db.cachedStatement(
            sql:
                "INSERT INTO link_rollup (\(RoundPartitions.rollupColumnList)) VALUES (\(values)) \(RoundPartitions.rollupUpsert)"
        )
        for key in rollups.keys.sorted() {
            guard var merged = rollups[key] else { continue }
            if let row = try Row.fetchOne(select, arguments: [key.commune, key.target, key.bucketStart]) {
                merged.merge(try rollup(row))
            }
            try upsert.execute(arguments: arguments(merged))
        }
    }

    static func arguments(_ r: LinkRollup) -> StatementArguments {
        [
            r.commune, r.target, r.bucketStart, r.rounds, r.sent, r.received, r.rttCount, r.rttSum, r.rttMin,
            r.rttMax, r.medianCount, r.medianSum, r.jitterCount, r.jitterSum, r.histogram.text,
        ]
    }

    static func rollup(_ row: Row) throws -> LinkRollup {
        var r = LinkRollup(commune: row[0], target: row[1], bucketStart: row[2])
        r.rounds = row[3]
        r.sent = row[4]
        r.received = row[5]
        r.rttCount = row[6]
        r.rttSum = row[7]
        r.rttMin = row[8]
        r.rttMax = row[9]
        r.medianCount = row[10]
        r.medianSum = row[11]
        r.jitterCount = row[12]
        r.jitterSum = row[13]
        r.histogram = try RTTHistogram(text: row[14])
        return r
    }

    public func linkRollups(commune: String, target: String, from: Date, to: Date) async throws -> [LinkRollup] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(RoundPartitions.rollupColumnList) FROM link_rollup
                        WHERE commune = ? AND target = ? AND bucket_start >= ? AND bucket_start < ?
                        ORDER BY bucket_start
                        """,
                    arguments: [commune, target, from.timeIntervalSince1970, to.timeIntervalSince1970]
                ).map(Self.rollup)
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): link rollups")
        }
    }

    public func maintainRounds(now: Date, retention: RoundRetention) async throws -> RoundMaintenanceReport {
        let rawCutoff = now.timeIntervalSince1970 - retention.rawSeconds
        let rollupCutoff = now.timeIntervalSince1970 - retention.rollupSeconds
        do {
            return try await pool.write { db in
                var report = RoundMaintenanceReport()
                try db.execute(sql: "DELETE FROM probe_round WHERE start_at < ?", arguments: [rawCutoff])
                report.roundsDeleted = db.changesCount
                try db.execute(sql: "DELETE FROM round_direction WHERE start_at < ?", arguments: [rawCutoff])
                report.directionsDeleted = db.changesCount
                // An hour is expired once it has ended before the cutoff.
                try db.execute(
                    sql: "DELETE FROM link_rollup WHERE bucket_start <= ?",
                    arguments: [rollupCutoff - LinkRollup.bucketSeconds])
                report.rollupsDeleted = db.changesCount
                return report
            }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): round retention")
        }
    }
}
