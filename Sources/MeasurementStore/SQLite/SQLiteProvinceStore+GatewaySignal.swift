import CoverageModel
import Foundation
import GRDB
import NetmonProtocol

/// Gateway signal reports in SQLite: one growing complete upload per probe and gateway store.
extension SQLiteProvinceStore {
    public func ingestGatewaySignalReports(
        _ entries: [GatewaySignalEntry], probeID: String, source: String, receivedAt: Date
    ) async throws -> GatewaySignalOutcome {
        guard !entries.isEmpty else { return GatewaySignalOutcome() }
        let marks = Array(repeating: "?", count: SignalReportColumns.all.count).joined(separator: ", ")
        let insert = "INSERT INTO signal_report (\(SignalReportColumns.list)) VALUES (\(marks)) ON CONFLICT DO NOTHING"
        let existing = "SELECT \(SignalReportColumns.list) FROM signal_report WHERE upload_id = ? AND ordinal = ?"
        do {
            return try await pool.write { db in
                var outcome = GatewaySignalOutcome()
                var acceptedByUpload: [String: Int] = [:]
                var acceptedReports: [String: [SignalReport]] = [:]
                for storeID in Set(entries.map(\.storeID)).sorted() {
                    try db.execute(
                        sql: """
                            INSERT INTO report_upload (upload_id, uploaded_at, uploaded_by, format, preset, state, source)
                            VALUES (?, ?, ?, 'jsonl', 'gateway', 'complete', ?) ON CONFLICT (upload_id) DO NOTHING
                            """,
                        arguments: [
                            GatewaySignalEntry.uploadID(probeID: probeID, storeID: storeID),
                            receivedAt.timeIntervalSince1970, probeID, source,
                        ])
                    if db.changesCount == 1 {
                        try self.aggregatesBegin(
                            db, uploadID: GatewaySignalEntry.uploadID(probeID: probeID, storeID: storeID))
                    }
                }
                let statement = try db.cachedStatement(sql: insert)
                for (index, entry) in entries.enumerated() {
                    let uploadID = GatewaySignalEntry.uploadID(probeID: probeID, storeID: entry.storeID)
                    let r = entry.report
                    var values: [(any DatabaseValueConvertible)?] = [
                        uploadID, entry.sequence, r.time, r.lat, r.lon, r.technology.rawValue, r.operatorCode,
                    ]
                    values += SignalReportColumns.numbers(r).map { $0 as (any DatabaseValueConvertible)? }
                    values.append(r.device)
                    try statement.execute(arguments: StatementArguments(values))
                    if db.changesCount == 1 {
                        outcome.accepted += 1
                        acceptedByUpload[uploadID, default: 0] += 1
                        acceptedReports[uploadID, default: []].append(r)
                        continue
                    }
                    guard let row = try Row.fetchOne(db, sql: existing, arguments: [uploadID, entry.sequence]) else {
                        continue
                    }
                    let stored = try Self.signalReport(row).1
                    if stored == r {
                        outcome.duplicates += 1
                    } else {
                        outcome.conflicting.append(index)
                    }
                }
                for (uploadID, count) in acceptedByUpload {
                    try db.execute(
                        sql: """
                            UPDATE report_upload SET rows_read = rows_read + ?, rows_accepted = rows_accepted + ?
                            WHERE upload_id = ?
                            """,
                        arguments: [count, count, uploadID])
                }
                for (uploadID, reports) in acceptedReports.sorted(by: { $0.key < $1.key }) {
                    try self.aggregatesAdd(db, uploadID: uploadID, reports: reports, complete: true)
                }
                return outcome
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): ingest gateway signal reports")
        }
    }

    public func gatewaySignalReportCount() async throws -> Int {
        do {
            return try await pool.read { db in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM signal_report r JOIN report_upload u ON u.upload_id = r.upload_id
                        WHERE u.state = 'complete' AND u.source <> 'upload'
                        """) ?? 0
            }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): gateway signal report count")
        }
    }
}
