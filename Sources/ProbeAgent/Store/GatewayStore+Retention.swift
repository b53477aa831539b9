import Foundation
import GRDB

extension GatewayStore {
    /// What one retention pass removed.
    public struct RetentionReport: Sendable, Hashable {
        public var rawRounds = 0
        public var fiveMinuteRollups = 0
        public var hourlyRollups = 0
        /// Signal reports of the modem past `RetentionPolicy.signalSeconds`.
        public var signalReports = 0
        /// Raw rounds removed early because the database exceeded `maxDatabaseBytes`.
        public var rawRoundsOverSize = 0
    }

    /// Expires data past its retention, then trims the oldest raw rounds while the file is over its size ceiling,
    /// and gives freed pages back to the file system.
    @discardableResult
    public func applyRetention(now: Date = Date()) async throws(GatewayStoreError) -> RetentionReport {
        let retention = self.retention
        let t = now.timeIntervalSince1970
        do {
            var report = try await pool.write { db in
                var report = RetentionReport()
                try db.execute(sql: "DELETE FROM round WHERE start < ?", arguments: [t - retention.rawSeconds])
                report.rawRounds = db.changesCount
                try db.execute(
                    sql: "DELETE FROM rollup WHERE resolution = 300 AND bucket_start < ?",
                    arguments: [t - retention.fiveMinuteSeconds])
                report.fiveMinuteRollups = db.changesCount
                try db.execute(
                    sql: "DELETE FROM rollup WHERE resolution = 3600 AND bucket_start < ?",
                    arguments: [t - retention.hourlySeconds])
                report.hourlyRollups = db.changesCount
                try db.execute(
                    sql: "DELETE FROM signal_report WHERE time < ?", arguments: [t - retention.signalSeconds])
                report.signalReports = db.changesCount
                return report
            }
            // Over the ceiling: drop the oldest tenth of the raw rounds at a time (rollups keep their history).
            for _ in 0..<10 {
                let bytes = try await usedBytes()
                guard bytes > retention.maxDatabaseBytes else { break }
                let removed = try await pool.write { db in
                    let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM round") ?? 0
                    guard count > 0 else { return 0 }
                    try db.execute(
                        sql: "DELETE FROM round WHERE rowid IN (SELECT rowid FROM round ORDER BY start LIMIT ?)",
                        arguments: [max(1, count / 10)])
                    return db.changesCount
                }
                report.rawRoundsOverSize += removed
                if removed == 0 { break }
            }
            try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA incremental_vacuum")
                // Keep the WAL from growing without bound between automatic checkpoints.
                _ = try? db.checkpoint(.truncate)
            }
            return report
        } catch let error as GatewayStoreError {
            throw error
        } catch {
            throw GatewayStoreError(code: .write, message: "cannot apply retention", path: path, underlying: error)
        }
    }

    /// Bytes of the database that hold data (pages in use, not counting free pages).
    public func usedBytes() async throws(GatewayStoreError) -> Int64 {
        do {
            return try await pool.read { db in
                let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                return (pages - free) * size
            }
        } catch {
            throw GatewayStoreError(
                code: .read, message: "cannot read the database size", path: path, underlying: error)
        }
    }

    /// The `PRAGMA auto_vacuum` mode of the file (2 = incremental).
    public func autoVacuumMode() async throws(GatewayStoreError) -> Int {
        do {
            return try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") ?? 0 }
        } catch {
            throw GatewayStoreError(code: .read, message: "cannot read the vacuum mode", path: path, underlying: error)
        }
    }

    /// The `PRAGMA journal_mode` of the file (`wal`).
    public func journalMode() async throws(GatewayStoreError) -> String {
        do {
            return try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
        } catch {
            throw GatewayStoreError(code: .read, message: "cannot read the journal mode", path: path, underlying: error)
        }
    }
}
