import CoverageModel
import Foundation
import GRDB
import NetmonProtocol

/// Signal report uploads and coverage snapshots in SQLite.
extension SQLiteProvinceStore {
    func write<T: Sendable>(
        _ what: String, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): \(what)")
        }
    }

    func read<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): \(what)")
        }
    }

    public func saveCoverageSnapshots(_ snapshots: [CoverageSnapshot]) async throws {
        try await write("save coverage snapshots") { db in
            for snapshot in snapshots {
                try db.execute(
                    sql: """
                        INSERT INTO coverage_snapshot (kind, created_at, json) VALUES (?, ?, ?)
                        ON CONFLICT (kind) DO UPDATE SET created_at = excluded.created_at, json = excluded.json
                        """,
                    arguments: [snapshot.kind, snapshot.createdAt.timeIntervalSince1970, snapshot.json])
            }
        }
    }

    public func beginReportUpload(_ upload: ReportUpload) async throws {
        try await write("begin report upload \(upload.id)") { db in
            try db.execute(
                sql: """
                    INSERT INTO report_upload (upload_id, uploaded_at, uploaded_by, format, preset, state)
                    VALUES (?, ?, ?, ?, ?, 'receiving')
                    """,
                arguments: [
                    upload.id, upload.uploadedAt.timeIntervalSince1970, upload.uploadedBy, upload.format,
                    upload.preset,
                ])
            try self.aggregatesBegin(db, uploadID: upload.id)
        }
    }

    public func appendSignalReports(_ reports: [SignalReport], uploadID: String, firstOrdinal: Int64) async throws {
        guard !reports.isEmpty else { return }
        let marks = Array(repeating: "?", count: SignalReportColumns.all.count).joined(separator: ", ")
        let sql = "INSERT INTO signal_report (\(SignalReportColumns.list)) VALUES (\(marks))"
        try await write("append signal reports to \(uploadID)") { db in
            guard
                try String.fetchOne(
                    db, sql: "SELECT state FROM report_upload WHERE upload_id = ?", arguments: [uploadID])
                    == "receiving"
            else {
                throw StoreError(.statement, "upload \(uploadID) is not receiving", context: "sqlite: signal_report")
            }
            let insert = try db.cachedStatement(sql: sql)
            for (i, r) in reports.enumerated() {
                var values: [(any DatabaseValueConvertible)?] = [
                    uploadID, firstOrdinal + Int64(i), r.time, r.lat, r.lon, r.technology.rawValue, r.operatorCode,
                ]
                values += SignalReportColumns.numbers(r).map { $0 as (any DatabaseValueConvertible)? }
                values.append(r.device)
                try insert.execute(arguments: StatementArguments(values))
            }
            try self.aggregatesAdd(db, uploadID: uploadID, reports: reports, complete: false)
        }
    }

    public func commitReportUpload(_ upload: ReportUpload) async throws {
        try await write("commit report upload \(upload.id)") { db in
            try db.execute(
                sql: """
                    UPDATE report_upload SET rows_read = ?, rows_accepted = ?, rows_rejected = ?, state = 'complete'
                    WHERE upload_id = ? AND state = 'receiving'
                    """,
                arguments: [upload.rowsRead, upload.rowsAccepted, upload.rowsRejected, upload.id])
            guard db.changesCount == 1 else {
                throw StoreError(.statement, "upload \(upload.id) is not receiving", context: "sqlite: report_upload")
            }
            try self.aggregatesCommit(db, uploadID: upload.id)
        }
    }

    public func abortReportUpload(id: String) async throws {
        try await write("abort report upload \(id)") { db in
            try self.aggregatesRemove(db, uploadID: id)
            try db.execute(sql: "DELETE FROM signal_report WHERE upload_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM report_upload WHERE upload_id = ?", arguments: [id])
        }
    }

    public func discardIncompleteReportUploads() async throws -> Int {
        try await write("discard incomplete uploads") { db in
            for id in try String.fetchAll(db, sql: "SELECT upload_id FROM report_upload WHERE state = 'receiving'") {
                try self.aggregatesRemove(db, uploadID: id)
            }
            try db.execute(
                sql:
                    "DELETE FROM signal_report WHERE upload_id IN (SELECT upload_id FROM report_upload WHERE state = 'receiving')"
            )
            try db.execute(sql: "DELETE FROM report_upload WHERE state = 'receiving'")
            return db.changesCount
        }
    }

    public func reportUploads() async throws -> [ReportUpload] {
        try await read("report uploads") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT upload_id, uploaded_at, uploaded_by, format, preset, rows_read, rows_accepted, rows_rejected,
                        source
                    FROM report_upload WHERE state = 'complete' ORDER BY uploaded_at, upload_id
                    """
            ).map { row in
                ReportUpload(
                    id: row[0], uploadedAt: Date(timeIntervalSince1970: row[1]), uploadedBy: row[2], format: row[3],
                    preset: row[4], rowsRead: row[5], rowsAccepted: row[6], rowsRejected: row[7], state: .complete,
                    source: row[8])
            }
        }
    }

    public func signalReportCount() async throws -> Int {
        try await read("signal report count") { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM signal_report r JOIN report_upload u ON u.upload_id = r.upload_id
                    WHERE u.state = 'complete'
                    """) ?? 0
        }
    }

    public func signalReports(after cursor: SignalReportCursor?, limit: Int) async throws -> SignalReportPage {
        let after = cursor == nil ? "" : "AND (r.upload_id > ? OR (r.upload_id = ? AND r.ordinal > ?))"
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let cursor { arguments += [cursor.uploadID, cursor.uploadID, cursor.ordinal] }
        arguments.append(limit)
        let sql = """
            SELECT \(SignalReportColumns.qualifiedList) FROM signal_report r
            JOIN report_upload u ON u.upload_id = r.upload_id
            WHERE u.state = 'complete' \(after)
            ORDER BY r.upload_id, r.ordinal LIMIT ?
            """
        let frozen = StatementArguments(arguments)
        return try await read("signal reports") { db in
            var reports: [SignalReport] = []
            reports.reserveCapacity(limit)
            var last: SignalReportCursor?
            let rows = try Row.fetchCursor(db, sql: sql, arguments: frozen)
            while let row = try rows.next() {
                let (key, report) = try Self.signalReport(row)
                reports.append(report)
                last = key
            }
            return SignalReportPage(reports: reports, next: reports.count == limit ? last : nil)
        }
    }

    /// A `signal_report` row selected with ``SignalReportColumns/list`` (or its qualified form): its key and report.
    static func signalReport(_ row: Row) throws -> (SignalReportCursor, SignalReport) {
        let count = SignalReportColumns.numberCount
        let numbers: [Double?] = (0..<count).map { row[7 + $0] }
        let report = try SignalReportColumns.report(
            time: row[2], lat: row[3], lon: row[4], technology: row[5], operatorCode: row[6], numbers: numbers,
            device: row[7 + count])
        return (SignalReportCursor(uploadID: row[0], ordinal: row[1]), report)
    }
}
