import CoverageModel
import Foundation
import Logging
import PostgresNIO

/// Coverage aggregates in PostgreSQL (see ``CoverageAggregateSQL``). Writers of an upload's reports hold its
/// `report_upload` row (`FOR UPDATE`) and the state row `FOR SHARE`; a rebuild takes the state row `FOR UPDATE`;
/// counts are upserted in key order, so concurrent writers lock merged rows in one order.
extension PostgresProvinceStore {
    public func keepCoverageAggregates(_ aggregation: CellAggregation) {
        self.keptAggregation.set(aggregation)
    }

    /// The aggregation this write keeps: the kept one when the stored aggregates were made with it. Otherwise nil,
    /// and stored aggregates that were current are marked stale (this write's reports will be missing from them).
    func aggregationForWrite(_ conn: PostgresConnection) async throws -> CellAggregation? {
        var stored: String?
        for try await s in try await conn.query(
            PostgresQuery(unsafeSQL: CoverageAggregateSQL.signature + " FOR SHARE"), logger: logger
        ).decode(String?.self) {
            stored = s
        }
        if let kept = self.keptAggregation.current, stored == kept.signature { return kept }
        if stored != nil {
            try await conn.query(PostgresQuery(unsafeSQL: CoverageAggregateSQL.markStale), logger: logger)
        }
        return nil
    }

    private func isAggregated(_ conn: PostgresConnection, _ uploadID: String) async throws -> Bool {
        for try await _ in try await conn.query(
            "SELECT 1 FROM coverage_aggregated_upload WHERE upload_id = \(uploadID)", logger: logger)
        {
            return true
        }
        return false
    }

    /// A new upload: its aggregates are kept from its first report when the stored ones are current.
    func aggregatesBegin(_ conn: PostgresConnection, uploadID: String) async throws {
        guard try await self.aggregationForWrite(conn) != nil else { return }
        try await conn.query(
            "INSERT INTO coverage_aggregated_upload (upload_id) VALUES (\(uploadID)) ON CONFLICT DO NOTHING",
            logger: logger)
    }

    /// Reports just written to an upload (whose row the transaction holds): adds their aggregates to the upload's
    /// (and to the merged ones when the upload is complete, as a gateway's is).
    func aggregatesAdd(
        _ conn: PostgresConnection, uploadID: String, reports: [SignalReport], complete: Bool
    ) async throws {
        guard !reports.isEmpty, let aggregation = try await self.aggregationForWrite(conn),
            try await self.isAggregated(conn, uploadID)
        else { return }
        var aggregates = CellAggregates(aggregation: aggregation)
        for r in reports { aggregates.add(r) }
        try await self.writeRows(conn, aggregates, uploadID: uploadID, merge: complete)
    }

    private func writeRows(
        _ conn: PostgresConnection, _ aggregates: CellAggregates, uploadID: String, merge: Bool
    ) async throws {
        let entries = aggregates.entries
        var start = 0
        while start < entries.count {
            let chunk = entries[start..<min(start + 1000, entries.count)]
            start += chunk.count
            var upload = PostgresBindings(capacity: chunk.count * 7)
            var cells = PostgresBindings(capacity: chunk.count * 6)
            for (key, n) in chunk {
                upload.append(uploadID)
                Self.bind(key, n, into: &upload)
                Self.bind(key, n, into: &cells)
            }
            try await conn.query(
                PostgresQuery(
                    unsafeSQL: CoverageAggregateSQL.addToUpload(rows: chunk.count) { "$\($0)" }, binds: upload),
                logger: logger)
            if merge {
                try await conn.query(
                    PostgresQuery(
                        unsafeSQL: CoverageAggregateSQL.addToCells(rows: chunk.count) { "$\($0)" }, binds: cells),
                    logger: logger)
            }
        }
    }

    private static func bind(_ key: CellAggregateKey, _ n: Int64, into b: inout PostgresBindings) {
        b.append(Int64(key.kind.rawValue))
        b.append(CoverageAggregateSQL.cell(key.cell))
        b.append(key.technology)
        b.append(key.operatorCode)
        b.append(key.bin)
        b.append(n)
    }

    /// An upload just marked complete: its aggregates join the merged ones.
    func aggregatesCommit(_ conn: PostgresConnection, uploadID: String) async throws {
        guard try await self.aggregationForWrite(conn) != nil, try await self.isAggregated(conn, uploadID) else {
            return
        }
        var b = PostgresBindings(capacity: 1)
        b.append(uploadID)
        try await conn.query(
            PostgresQuery(unsafeSQL: CoverageAggregateSQL.mergeUpload(sign: 1) { "$\($0)" }, binds: b), logger: logger)
    }

    /// An upload about to be removed (call before its `report_upload` row goes; the row is locked here): its
    /// aggregates leave the merged ones (when it was complete) and are deleted.
    func aggregatesRemove(_ conn: PostgresConnection, uploadID: String) async throws {
        var state: String?
        for try await s in try await conn.query(
            "SELECT state FROM report_upload WHERE upload_id = \(uploadID) FOR UPDATE", logger: logger
        ).decode(String.self) {
            state = s
        }
        guard try await self.isAggregated(conn, uploadID) else { return }
        var b = PostgresBindings(capacity: 1)
        b.append(uploadID)
        if state == "complete" {
            try await conn.query(
                PostgresQuery(unsafeSQL: CoverageAggregateSQL.mergeUpload(sign: -1) { "$\($0)" }, binds: b),
                logger: logger)
            try await conn.query(
                PostgresQuery(unsafeSQL: CoverageAggregateSQL.dropZeros { "$\($0)" }, binds: b), logger: logger)
        }
        try await conn.query("DELETE FROM coverage_upload_aggregate WHERE upload_id = \(uploadID)", logger: logger)
        try await conn.query("DELETE FROM coverage_aggregated_upload WHERE upload_id = \(uploadID)", logger: logger)
    }

    public func backfillCoverageAggregates(pageSize: Int) async throws -> CoverageAggregateBackfill {
        guard let aggregation = self.keptAggregation.current else {
            throw StoreError(.statement, "no coverage aggregation kept", context: "\(context): backfill")
        }
        let signature = aggregation.signature
        let logger = self.logger
        var result = CoverageAggregateBackfill()
        result.rebuilt = try await wrap("reset coverage aggregates") {
            try await client.withTransaction(logger: logger) { conn in
                var stored: String?
                for try await s in try await conn.query(
                    PostgresQuery(unsafeSQL: CoverageAggregateSQL.signature + " FOR UPDATE"), logger: logger
                ).decode(String?.self) {
                    stored = s
                }
                guard stored != signature else { return false }
                for sql in CoverageAggregateSQL.reset {
                    try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                }
                try await conn.query(
                    "UPDATE coverage_aggregate_state SET signature = \(signature) WHERE id = 1", logger: logger)
                return true
            }
        }
        // An upload that grows while it is read (a gateway's) is read again; a few passes settle it.
        for _ in 0..<5 {
            let missing = try await wrap("uploads without aggregates") {
                var ids: [String] = []
                for try await id in try await client.query(
                    PostgresQuery(unsafeSQL: CoverageAggregateSQL.missingUploads), logger: logger
                ).decode(String.self) {
                    ids.append(id)
                }
                return ids
            }
            if missing.isEmpty { break }
            for uploadID in missing {
                var aggregates = CellAggregates(aggregation: aggregation)
                var read = 0
                var after: Int64 = -1
                while true {
                    var page = 0
                    var last = after
                    try await wrap("reports of \(uploadID)") {
                        for try await row in try await client.query(
                            PostgresQuery(
                                unsafeSQL: """
                                    SELECT \(SignalReportColumns.list) FROM signal_report
                                    WHERE upload_id = $1 AND ordinal > $2 ORDER BY ordinal LIMIT $3
                                    """,
                                binds: Self.pageBinds(uploadID, after, pageSize)), logger: logger)
                        {
                            let (key, report) = try Self.signalReport(row)
                            aggregates.add(report)
                            last = key.ordinal
                            page += 1
                        }
                    }
                    read += page
                    guard page == pageSize else { break }
                    after = last
                }
                let counted = read
                let frozen = aggregates
                let stored = try await wrap("store aggregates of \(uploadID)") {
                    try await client.withTransaction(logger: logger) { conn -> Bool in
                        var current = false
                        for try await s in try await conn.query(
                            PostgresQuery(unsafeSQL: CoverageAggregateSQL.signature + " FOR SHARE"), logger: logger
                        ).decode(String?.self) {
                            current = s == signature
                        }
                        var complete = false
                        for try await s in try await conn.query(
                            "SELECT state FROM report_upload WHERE upload_id = \(uploadID) FOR UPDATE", logger: logger
                        ).decode(String.self) {
                            complete = s == "complete"
                        }
                        let aggregated = try await self.isAggregated(conn, uploadID)
                        guard current, complete, !aggregated else { return false }
                        var count: Int64 = -1
                        for try await n in try await conn.query(
                            "SELECT COUNT(*) FROM signal_report WHERE upload_id = \(uploadID)", logger: logger
                        ).decode(Int64.self) {
                            count = n
                        }
                        guard count == Int64(counted) else { return false }
                        try await self.writeRows(conn, frozen, uploadID: uploadID, merge: true)
                        try await conn.query(
                            "INSERT INTO coverage_aggregated_upload (upload_id) VALUES (\(uploadID))", logger: logger)
                        return true
                    }
                }
                if stored {
                    result.uploads += 1
                    result.reports += counted
                }
            }
        }
        return result
    }

    private static func pageBinds(_ uploadID: String, _ after: Int64, _ limit: Int) -> PostgresBindings {
        var b = PostgresBindings(capacity: 3)
        b.append(uploadID)
        b.append(after)
        b.append(Int64(limit))
        return b
    }

    public func coverageCellAggregates() async throws -> CellAggregates? {
        guard let aggregation = self.keptAggregation.current else { return nil }
        let logger = self.logger
        return try await wrap("merged coverage aggregates") {
            try await client.withTransaction(logger: logger) { conn -> CellAggregates? in
                // One snapshot for the checks and the rows.
                try await conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
                var current = false
                for try await s in try await conn.query(
                    PostgresQuery(unsafeSQL: CoverageAggregateSQL.signature), logger: logger
                ).decode(String?.self) {
                    current = s == aggregation.signature
                }
                guard current else { return nil }
                for try await _ in try await conn.query(
                    PostgresQuery(unsafeSQL: CoverageAggregateSQL.missingUploads + " LIMIT 1"), logger: logger)
                {
                    return nil
                }
                var aggregates = CellAggregates(aggregation: aggregation)
                for try await (kind, cell, technology, op, bin, n) in try await conn.query(
                    PostgresQuery(unsafeSQL: CoverageAggregateSQL.mergedRows), logger: logger
                ).decode((Int64, Int64, String, String, Int64, Int64).self) {
                    guard
                        let key = CoverageAggregateSQL.key(
                            kind: kind, cell: cell, technology: technology, operatorCode: op, bin: bin)
                    else { continue }
                    aggregates.add(key, count: n)
                }
                return aggregates
            }
        }
    }
}
