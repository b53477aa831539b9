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
        let insert =
            "INSERT INTO signal_report (\(SignalReportColumns.list)) VALUES (\(placeholders)) "
            + "ON CONFLICT DO NOTHING RETURNING ordinal"
        let existing = "SELECT \(SignalReportColumns.list) FROM signal_report WHERE upload_id = $1 AND ordinal = $2"
        let metricCount = SignalMetric.allCases.count + 2
        return try await wrap("ingest gateway signal reports") {
            try await client.withTransaction(logger: logger) { conn in
                var outcome = GatewaySignalOutcome()
                var acceptedByUpload: [String: Int] = [:]
                for storeID in Set(entries.map(\.storeID)).sorted() {
                    let uploadID = GatewaySignalEntry.uploadID(probeID: probeID, storeID: storeID)
                    try await conn.query(
                        """
                        INSERT INTO report_upload (upload_id, uploaded_at, uploaded_by, format, preset, state, source)
                        VALUES (\(uploadID), \(receivedAt.timeIntervalSince1970), \(probeID), 'jsonl', 'gateway',
                            'complete', \(source))
                        ON CONFLICT (upload_id) DO NOTHING
                        """, logger: logger)
                }
                for (index, entry) in entries.enumerated() {
                    let uploadID = GatewaySignalEntry.uploadID(probeID: probeID, storeID: entry.storeID)
                    let r = entry.report
                    var b = PostgresBindings(capacity: columns)
                    b.append(uploadID)
                    b.append(entry.sequence)
                    b.append(r.time)
                    b.append(r.lat)
                    b.append(r.lon)
                    b.append(r.technology.rawValue)
                    b.append(r.operatorCode)
                    for v in SignalReportColumns.numbers(r) { b.append(v) }
                    b.append(r.device)
                    var inserted = false
                    for try await _ in try await conn.query(PostgresQuery(unsafeSQL: insert, binds: b), logger: logger)
                    {
                        inserted = true
                    }
                    if inserted {
                        outcome.accepted += 1
                        acceptedByUpload[uploadID, default: 0] += 1
                        continue
                    }
                    var key = PostgresBindings(capacity: 2)
                    key.append(uploadID)
                    key.append(entry.sequence)
                    var stored: SignalReport?
                    for try await row in try await conn.query(
                        PostgresQuery(unsafeSQL: existing, binds: key), logger: logger)
                    {
                        var cells = row.makeIterator()
                        func next() throws -> PostgresCell {
                            guard let cell = cells.next() else {
                                throw StoreError(
                                    .corrupt, "a row has too few columns", context: "postgres: signal_report")
                            }
                            return cell
                        }
                        _ = try next().decode(String.self)
                        _ = try next().decode(Int64.self)
                        let time = try next().decode(Double?.self)
                        let lat = try next().decode(Double.self)
                        let lon = try next().decode(Double.self)
                        let technology = try next().decode(String.self)
                        let operatorCode = try next().decode(String?.self)
                        var numbers: [Double?] = []
                        for _ in 0..<metricCount { numbers.append(try next().decode(Double?.self)) }
                        let device = try next().decode(String?.self)
                        stored = try SignalReportColumns.report(
                            time: time, lat: lat, lon: lon, technology: technology, operatorCode: operatorCode,
                            numbers: numbers, device: device)
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
