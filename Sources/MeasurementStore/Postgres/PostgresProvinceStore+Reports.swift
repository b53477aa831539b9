import CoverageModel
import Foundation
import Logging
import NetmonProtocol
import PostgresNIO

/// Signal report uploads and coverage snapshots in PostgreSQL (same schema and rules as SQLite).
extension PostgresProvinceStore {
    public func saveCoverageSnapshots(_ snapshots: [CoverageSnapshot]) async throws {
        let logger = self.logger
        try await wrap("save coverage snapshots") {
            try await client.withTransaction(logger: logger) { conn in
                for snapshot in snapshots {
                    try await conn.query(
                        """
                        INSERT INTO coverage_snapshot (kind, created_at, json)
                        VALUES (\(snapshot.kind), \(snapshot.createdAt.timeIntervalSince1970), \(snapshot.json))
                        ON CONFLICT (kind) DO UPDATE SET created_at = excluded.created_at, json = excluded.json
                        """, logger: logger)
                }
            }
        }
    }

    public func beginReportUpload(_ upload: ReportUpload) async throws {
        let logger = self.logger
        try await wrap("begin report upload \(upload.id)") {
            try await client.withTransaction(logger: logger) { conn in
                try await conn.query(
                    """
                    INSERT INTO report_upload (upload_id, uploaded_at, uploaded_by, format, preset, state)
                    VALUES (\(upload.id), \(upload.uploadedAt.timeIntervalSince1970), \(upload.uploadedBy), \(upload.format), \(upload.preset), 'receiving')
                    """, logger: logger)
                try await self.aggregatesBegin(conn, uploadID: upload.id)
            }
        }
    }

    public func appendSignalReports(_ reports: [SignalReport], uploadID: String, firstOrdinal: Int64) async throws {
        guard !reports.isEmpty else { return }
        let logger = self.logger
        let columns = SignalReportColumns.all.count
        try await wrap("append signal reports to \(uploadID)") {
            try await client.withTransaction(logger: logger) { conn in
                var receiving = false
                for try await state in try await conn.query(
                    "SELECT state FROM report_upload WHERE upload_id = \(uploadID) FOR UPDATE", logger: logger
                ).decode(String.self) {
                    receiving = state == "receiving"
                }
                guard receiving else {
                    throw StoreError(
                        .statement, "upload \(uploadID) is not receiving", context: "postgres: signal_report")
                }
                var start = 0
                while start < reports.count {
                    let chunk = reports[start..<min(start + 1000, reports.count)]
                    var b = PostgresBindings(capacity: chunk.count * columns)
                    var groups: [String] = []
                    groups.reserveCapacity(chunk.count)
                    var n = 0
                    for (i, r) in zip(chunk.indices, chunk) {
                        Self.bind(r, uploadID: uploadID, ordinal: firstOrdinal + Int64(i), into: &b)
                        groups.append("(" + (1...columns).map { "$\(n + $0)" }.joined(separator: ", ") + ")")
                        n += columns
                    }
                    start += chunk.count
                    let sql =
                        "INSERT INTO signal_report (\(SignalReportColumns.list)) VALUES "
                        + groups.joined(separator: ", ")
                    try await conn.query(PostgresQuery(unsafeSQL: sql, binds: b), logger: logger)
                }
                try await self.aggregatesAdd(conn, uploadID: uploadID, reports: reports, complete: false)
            }
        }
    }

    public func commitReportUpload(_ upload: ReportUpload) async throws {
        let logger = self.logger
        try await wrap("commit report upload \(upload.id)") {
            try await client.withTransaction(logger: logger) { conn in
                var updated = false
                for try await _ in try await conn.query(
                    """
                    UPDATE report_upload SET rows_read = \(Int64(upload.rowsRead)), rows_accepted = \(Int64(upload.rowsAccepted)),
                        rows_rejected = \(Int64(upload.rowsRejected)), state = 'complete'
                    WHERE upload_id = \(upload.id) AND state = 'receiving' RETURNING upload_id
                    """, logger: logger)
                {
                    updated = true
                }
                guard updated else {
                    throw StoreError(
                        .statement, "upload \(upload.id) is not receiving", context: "postgres: report_upload")
                }
                try await self.aggregatesCommit(conn, uploadID: upload.id)
            }
        }
    }

    public func abortReportUpload(id: String) async throws {
        let logger = self.logger
        try await wrap("abort report upload \(id)") {
            try await client.withTransaction(logger: logger) { conn in
                try await self.aggregatesRemove(conn, uploadID: id)
                try await conn.query("DELETE FROM signal_report WHERE upload_id = \(id)", logger: logger)
                try await conn.query("DELETE FROM report_upload WHERE upload_id = \(id)", logger: logger)
            }
        }
    }

    public func discardIncompleteReportUploads() async throws -> Int {
        try await self.discardIncompleteReportUploads(startedBefore: nil)
    }

    /// Removes the uploads left `receiving` that started before `cutoff` (all when nil); returns how many. Replicas
    /// sharing the database use a cutoff: a fresh `receiving` upload may be another replica's, still arriving.
    public func discardIncompleteReportUploads(startedBefore cutoff: Date?) async throws -> Int {
        let logger = self.logger
        let before = cutoff?.timeIntervalSince1970 ?? .infinity
        return try await wrap("discard incomplete uploads") {
            try await client.withTransaction(logger: logger) { conn in
                var receiving: [String] = []
                for try await id in try await conn.query(
                    "SELECT upload_id FROM report_upload WHERE state = 'receiving' AND uploaded_at < \(before)",
                    logger: logger
                ).decode(String.self) {
                    receiving.append(id)
                }
                for id in receiving { try await self.aggregatesRemove(conn, uploadID: id) }
                try await conn.query(
                    """
                    DELETE FROM signal_report WHERE upload_id IN (
                        SELECT upload_id FROM report_upload WHERE state = 'receiving' AND uploaded_at < \(before))
                    """,
                    logger: logger)
                var n = 0
                for try await _ in try await conn.query(
                    """
                    DELETE FROM report_upload WHERE state = 'receiving' AND uploaded_at < \(before)
                    RETURNING upload_id
                    """, logger: logger)
                {
                    n += 1
                }
                return n
            }
        }
    }

    public func reportUploads() async throws -> [ReportUpload] {
        try await wrap("report uploads") {
            var out: [ReportUpload] = []
            let rows = try await client.query(
                """
                SELECT upload_id, uploaded_at, uploaded_by, format, preset, rows_read, rows_accepted, rows_rejected,
                    source
                FROM report_upload WHERE state = 'complete' ORDER BY uploaded_at, upload_id
                """, logger: logger)
            for try await (id, at, by, format, preset, read, accepted, rejected, source) in rows.decode(
                (String, Double, String, String, String, Int64, Int64, Int64, String).self)
            {
                out.append(
                    ReportUpload(
                        id: id, uploadedAt: Date(timeIntervalSince1970: at), uploadedBy: by, format: format,
                        preset: preset, rowsRead: Int(read), rowsAccepted: Int(accepted), rowsRejected: Int(rejected),
                        state: .complete, source: source))
            }
            return out
        }
    }

    public func signalReportCount() async throws -> Int {
        try await wrap("signal report count") {
            for try await n in try await client.query(
                """
                SELECT COUNT(*) FROM signal_report r JOIN report_upload u ON u.upload_id = r.upload_id
                WHERE u.state = 'complete'
                """, logger: logger
            ).decode(Int64.self) {
                return Int(n)
            }
            return 0
        }
    }

    public func signalReports(after cursor: SignalReportCursor?, limit: Int) async throws -> SignalReportPage {
        var b = PostgresBindings(capacity: 3)
        var after = ""
        if let cursor {
            b.append(cursor.uploadID)
            b.append(cursor.ordinal)
            after = "AND (r.upload_id > $1 OR (r.upload_id = $1 AND r.ordinal > $2))"
        }
        b.append(Int64(limit))
        let sql = """
            SELECT \(SignalReportColumns.qualifiedList) FROM signal_report r
            JOIN report_upload u ON u.upload_id = r.upload_id
            WHERE u.state = 'complete' \(after)
            ORDER BY r.upload_id, r.ordinal LIMIT $\(cursor == nil ? 1 : 3)
            """
        return try await wrap("signal reports") {
            var reports: [SignalReport] = []
            reports.reserveCapacity(limit)
            var last: SignalReportCursor?
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: b), logger: logger) {
                let (key, report) = try Self.signalReport(row)
                reports.append(report)
                last = key
            }
            return SignalReportPage(reports: reports, next: reports.count == limit ? last : nil)
        }
    }

    /// A `signal_report` row selected with ``SignalReportColumns/list`` (or its qualified form): its key and report.
    /// Cells are read in column order (sequential access: no per-row column lookup table).
    static func signalReport(_ row: PostgresRow) throws -> (SignalReportCursor, SignalReport) {
        var cells = row.makeIterator()
        func next() throws -> PostgresCell {
            guard let cell = cells.next() else {
                throw StoreError(.corrupt, "a row has too few columns", context: "postgres: signal_report")
            }
            return cell
        }
        let uploadID = try next().decode(String.self)
        let ordinal = try next().decode(Int64.self)
        let time = try next().decode(Double?.self)
        let lat = try next().decode(Double.self)
        let lon = try next().decode(Double.self)
        let technology = try next().decode(String.self)
        let operatorCode = try next().decode(String?.self)
        var numbers: [Double?] = []
        numbers.reserveCapacity(SignalReportColumns.numberCount)
        for _ in 0..<SignalReportColumns.numberCount { numbers.append(try next().decode(Double?.self)) }
        let device = try next().decode(String?.self)
        let report = try SignalReportColumns.report(
            time: time, lat: lat, lon: lon, technology: technology, operatorCode: operatorCode, numbers: numbers,
            device: device)
        return (SignalReportCursor(uploadID: uploadID, ordinal: ordinal), report)
    }

    /// Appends a report's `signal_report` values, in ``SignalReportColumns/all`` order.
    static func bind(_ r: SignalReport, uploadID: String, ordinal: Int64, into b: inout PostgresBindings) {
        b.append(uploadID)
        b.append(ordinal)
        b.append(r.time)
        b.append(r.lat)
        b.append(r.lon)
        b.append(r.technology.rawValue)
        b.append(r.operatorCode)
        for v in SignalReportColumns.numbers(r) { b.append(v) }
        b.append(r.device)
    }
}
