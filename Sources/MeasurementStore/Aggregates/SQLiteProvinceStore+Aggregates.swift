import CoverageModel
import Foundation
import GRDB

/// Coverage aggregates in SQLite (see ``CoverageAggregateSQL``). The hooks run inside the report writes'
/// transactions; SQLite's one writer orders them with the backfill.
extension SQLiteProvinceStore {
    public func keepCoverageAggregates(_ aggregation: CellAggregation) {
        self.keptAggregation.set(aggregation)
    }

    /// The aggregation this write keeps: the kept one when the stored aggregates were made with it. Otherwise nil,
    /// and stored aggregates that were current are marked stale (this write's reports will be missing from them).
    func aggregationForWrite(_ db: Database) throws -> CellAggregation? {
        let stored = try String.fetchOne(db, sql: CoverageAggregateSQL.signature)
        if let kept = self.keptAggregation.current, stored == kept.signature { return kept }
        if stored != nil { try db.execute(sql: CoverageAggregateSQL.markStale) }
        return nil
    }

    private static func isAggregated(_ db: Database, _ uploadID: String) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM coverage_aggregated_upload WHERE upload_id = ?)",
            arguments: [uploadID]) ?? false
    }

    /// A new upload: its aggregates are kept from its first report when the stored ones are current.
    func aggregatesBegin(_ db: Database, uploadID: String) throws {
        guard try self.aggregationForWrite(db) != nil else { return }
        try db.execute(
            sql: "INSERT INTO coverage_aggregated_upload (upload_id) VALUES (?) ON CONFLICT DO NOTHING",
            arguments: [uploadID])
    }

    /// Reports just written to an upload: adds their aggregates to the upload's (and to the merged ones when the
    /// upload is complete, as a gateway's is).
    func aggregatesAdd(_ db: Database, uploadID: String, reports: [SignalReport], complete: Bool) throws {
        guard !reports.isEmpty, let aggregation = try self.aggregationForWrite(db),
            try Self.isAggregated(db, uploadID)
        else { return }
        var aggregates = CellAggregates(aggregation: aggregation)
        for r in reports { aggregates.add(r) }
        try Self.writeRows(db, aggregates, uploadID: uploadID, merge: complete)
    }

    private static func writeRows(_ db: Database, _ aggregates: CellAggregates, uploadID: String, merge: Bool) throws {
        let toUpload = try db.cachedStatement(sql: CoverageAggregateSQL.addToUpload { _ in "?" })
        let toCells = try db.cachedStatement(sql: CoverageAggregateSQL.addToCells { _ in "?" })
        for (key, n) in aggregates.entries {
            let values: [(any DatabaseValueConvertible)?] = [
                Int64(key.kind.rawValue), CoverageAggregateSQL.cell(key.cell), key.technology, key.operatorCode,
                key.bin, n,
            ]
            try toUpload.execute(arguments: StatementArguments([uploadID] + values))
            if merge { try toCells.execute(arguments: StatementArguments(values)) }
        }
    }

    /// An upload just marked complete: its aggregates join the merged ones.
    func aggregatesCommit(_ db: Database, uploadID: String) throws {
        guard try self.aggregationForWrite(db) != nil, try Self.isAggregated(db, uploadID) else { return }
        try db.execute(sql: CoverageAggregateSQL.mergeUpload(sign: 1) { _ in "?" }, arguments: [uploadID])
    }

    /// An upload about to be removed (call before its `report_upload` row goes): its aggregates leave the merged
    /// ones (when it was complete) and are deleted.
    func aggregatesRemove(_ db: Database, uploadID: String) throws {
        guard try Self.isAggregated(db, uploadID) else { return }
        let state = try String.fetchOne(
            db, sql: "SELECT state FROM report_upload WHERE upload_id = ?", arguments: [uploadID])
        if state == "complete" {
            try db.execute(sql: CoverageAggregateSQL.mergeUpload(sign: -1) { _ in "?" }, arguments: [uploadID])
            try db.execute(sql: CoverageAggregateSQL.dropZeros { _ in "?" }, arguments: [uploadID])
        }
        try db.execute(sql: "DELETE FROM coverage_upload_aggregate WHERE upload_id = ?", arguments: [uploadID])
        try db.execute(sql: "DELETE FROM coverage_aggregated_upload WHERE upload_id = ?", arguments: [uploadID])
    }

    public func backfillCoverageAggregates(pageSize: Int) async throws -> CoverageAggregateBackfill {
        guard let aggregation = self.keptAggregation.current else {
            throw StoreError(.statement, "no coverage aggregation kept", context: "sqlite:\(path): backfill")
        }
        let signature = aggregation.signature
        var result = CoverageAggregateBackfill()
        result.rebuilt = try await self.write("reset coverage aggregates") { db in
            guard try String.fetchOne(db, sql: CoverageAggregateSQL.signature) != signature else { return false }
            for sql in CoverageAggregateSQL.reset { try db.execute(sql: sql) }
            try db.execute(
                sql: "UPDATE coverage_aggregate_state SET signature = ? WHERE id = 1", arguments: [signature])
            return true
        }
        // An upload that grows while it is read (a gateway's) is read again; a few passes settle it.
        for _ in 0..<5 {
            let missing = try await self.read("uploads without aggregates") { db in
                try String.fetchAll(db, sql: CoverageAggregateSQL.missingUploads)
            }
            if missing.isEmpty { break }
            for uploadID in missing {
                var aggregates = CellAggregates(aggregation: aggregation)
                var read = 0
                var after: Int64 = -1
                while true {
                    let from = after
                    let page = try await self.read("reports of \(uploadID)") { db in
                        try Row.fetchAll(
                            db,
                            sql: """
                                SELECT \(SignalReportColumns.list) FROM signal_report WHERE upload_id = ? AND ordinal > ?
                                ORDER BY ordinal LIMIT ?
                                """, arguments: [uploadID, from, pageSize]
                        ).map { try Self.signalReport($0) }
                    }
                    for (_, report) in page { aggregates.add(report) }
                    read += page.count
                    guard let last = page.last, page.count == pageSize else { break }
                    after = last.0.ordinal
                }
                let counted = read
                let frozen = aggregates
                let stored = try await self.write("store aggregates of \(uploadID)") { db in
                    guard try String.fetchOne(db, sql: CoverageAggregateSQL.signature) == signature,
                        try String.fetchOne(
                            db, sql: "SELECT state FROM report_upload WHERE upload_id = ?", arguments: [uploadID])
                            == "complete",
                        try !Self.isAggregated(db, uploadID),
                        try Int.fetchOne(
                            db, sql: "SELECT COUNT(*) FROM signal_report WHERE upload_id = ?", arguments: [uploadID])
                            == counted
                    else { return false }
                    try Self.writeRows(db, frozen, uploadID: uploadID, merge: true)
                    try db.execute(
                        sql: "INSERT INTO coverage_aggregated_upload (upload_id) VALUES (?)", arguments: [uploadID])
                    return true
                }
                if stored {
                    result.uploads += 1
                    result.reports += counted
                }
            }
        }
        return result
    }

    public func coverageCellAggregates() async throws -> CellAggregates? {
        guard let aggregation = self.keptAggregation.current else { return nil }
        return try await self.read("merged coverage aggregates") { db in
            guard try String.fetchOne(db, sql: CoverageAggregateSQL.signature) == aggregation.signature,
                try String.fetchOne(db, sql: CoverageAggregateSQL.missingUploads + " LIMIT 1") == nil
            else { return nil }
            var aggregates = CellAggregates(aggregation: aggregation)
            let rows = try Row.fetchCursor(db, sql: CoverageAggregateSQL.mergedRows)
            while let row = try rows.next() {
                guard
                    let key = CoverageAggregateSQL.key(
                        kind: row[0], cell: row[1], technology: row[2], operatorCode: row[3], bin: row[4])
                else { continue }
                aggregates.add(key, count: row[5])
            }
            return aggregates
        }
    }
}
