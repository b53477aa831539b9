import CoverageModel
import Foundation
import Logging
import NetmonProtocol
import PostgresNIO

/// Gateway signal reports in PostgreSQL (same schema and rules as SQLite).
extension PostgresProvinceStore {
    public func ingestGatewaySignalReports(
        _ entries: [GatewaySignalEntry], probeID: String, source: String, receivedAt: Date
    ) async throws -> GatewaySignalOutcome {
        guard !entries.isEmpty else { return GatewaySignalOutcome() }
        let logger = self.logger
        let columns = SignalReportColumns.all.count
        let placeholders = (1...columns).map { "$\($0)" }.joined(separator: ", ")
        let insert = "INSERT INTO signal_report (\(SignalReportColumns.list)) VALUES (\(placeholders))"
        let existing = "SELECT \(SignalReportColumns.list) FROM signal_report WHERE upload_id = $1 AND ordinal = $2"
        return try await wrap("ingest gateway signal reports") {
            try await client.withTransaction(logger: logger) { conn in
                var outcome = GatewaySignalOutcome()
                var acceptedByUpload: [String: Int] = [:]
                var acceptedReports: [String: [SignalReport]] = [:]
                for storeID in Set(entries.map(\.storeID)).sorted() {
                    let uploadID = GatewaySignalEntry.uploadID(probeID: probeID, storeID: storeID)
                    let rows = try await conn.query(
                        """
                        INSERT INTO report_upload (upload_id, uploaded_at, uploaded_by, format, preset, state, source)
                        VALUES (\(uploadID), \(receivedAt.timeIntervalSince1970), \(probeID), 'jsonl', 'gateway',
                            'complete', \(source))
                        ON CONFLICT (upload_id) DO NOTHING RETURNING upload_id
                        """, logger: logger)
                    var created = false
                    for try await _ in rows { created = true }
                    // Writers of one upload take turns, held until the commit: the key of the time-partitioned
                    // table holds the storage time, so the identity is checked here, under this lock (see
                    // `ReportPartitions`), and a backfill of this upload's aggregates waits for these reports.
                    try await conn.query(
                        "SELECT upload_id FROM report_upload WHERE upload_id = \(uploadID) FOR UPDATE", logger: logger)
                    if created { try await self.aggregatesBegin(conn, uploadID: uploadID) }
                }
                for (index, entry) in entries.enumerated() {
                    let uploadID = GatewaySignalEntry.uploadID(probeID: probeID, storeID: entry.storeID)
                    let r = entry.report
                    var key = PostgresBindings(capacity: 2)
                    key.append(uploadID)
                    key.append(entry.sequence)
                    var stored: SignalReport?
                    for try await row in try await conn.query(
                        PostgresQuery(unsafeSQL: existing, binds: key), logger: logger)
                    {
                        stored = try Self.signalReport(row).1
                    }
                    guard let stored else {
                        var b = PostgresBindings(capacity: columns)
                        Self.bind(r, uploadID: uploadID, ordinal: entry.sequence, into: &b)
                        try await conn.query(PostgresQuery(unsafeSQL: insert, binds: b), logger: logger)
                        outcome.accepted += 1
                        acceptedByUpload[uploadID, default: 0] += 1
                        acceptedReports[uploadID, default: []].append(r)
                        continue
                    }
                    if stored == r {
                        outcome.duplicates += 1
                    } else {
                        outcome.conflicting.append(index)
                    }
                }
                for (uploadID, count) in acceptedByUpload {
                    try await conn.query(
                        """
                        UPDATE report_upload SET rows_read = rows_read + \(Int64(count)),
                            rows_accepted = rows_accepted + \(Int64(count))
                        WHERE upload_id = \(uploadID)
                        """, logger: logger)
                }
                for (uploadID, reports) in acceptedReports.sorted(by: { $0.key < $1.key }) {
                    try await self.aggregatesAdd(conn, uploadID: uploadID, reports: reports, complete: true)
                }
                return outcome
            }
        }
    }

    public func gatewaySignalReportCount() async throws -> Int {
        try await wrap("gateway signal report count") {
            for try await n in try await client.query(
                """
                SELECT COUNT(*) FROM signal_report r JOIN report_upload u ON u.upload_id = r.upload_id
                WHERE u.state = 'complete' AND u.source <> 'upload'
                """, logger: logger
            ).decode(Int64.self) {
                return Int(n)
            }
            return 0
        }
    }
}
