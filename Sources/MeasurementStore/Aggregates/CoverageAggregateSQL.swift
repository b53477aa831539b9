import CoverageModel

/// The tables and statements of incremental coverage, shared by both backends (`p` maps 1-based positions to
/// placeholders, as ``ProvinceSchema/probeUpsert(_:)``).
///
/// - `coverage_upload_aggregate`: per upload, the ``CellAggregates`` of its reports (one row per count).
/// - `coverage_cell_aggregate`: their sum over the complete uploads whose aggregates are stored; what coverage is
///   computed from.
/// - `coverage_aggregated_upload`: the uploads whose aggregates are stored (kept up to date by every write to the
///   upload from then on). A complete upload without a row here is backfilled from its reports.
/// - `coverage_aggregate_state`: one row holding the ``CellAggregation/signature`` the stored aggregates were made
///   with; NULL when they are stale (a write by a server keeping no aggregates, or none made yet), and then they
///   are rebuilt.
///
/// Keyed by upload id, not by report rows, so it stands apart from however `signal_report` is stored.
enum CoverageAggregateSQL {
    static let migration: [String] = [
        """
        CREATE TABLE coverage_upload_aggregate (
            upload_id TEXT NOT NULL,
            kind BIGINT NOT NULL,
            cell BIGINT NOT NULL,
            technology TEXT NOT NULL,
            operator TEXT NOT NULL,
            bin BIGINT NOT NULL,
            n BIGINT NOT NULL,
            PRIMARY KEY (upload_id, kind, cell, technology, operator, bin)
        )
        """,
        """
        CREATE TABLE coverage_cell_aggregate (
            kind BIGINT NOT NULL,
            cell BIGINT NOT NULL,
            technology TEXT NOT NULL,
            operator TEXT NOT NULL,
            bin BIGINT NOT NULL,
            n BIGINT NOT NULL,
            PRIMARY KEY (kind, cell, technology, operator, bin)
        )
        """,
        "CREATE TABLE coverage_aggregated_upload (upload_id TEXT NOT NULL PRIMARY KEY)",
        "CREATE TABLE coverage_aggregate_state (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), signature TEXT)",
        "INSERT INTO coverage_aggregate_state (id, signature) VALUES (1, NULL)",
    ]

    static let keyColumns = "kind, cell, technology, operator, bin"

    /// Adds `rows` counts to an upload's aggregates (positions per row: upload, kind, cell, technology, operator,
    /// bin, n).
    static func addToUpload(rows: Int = 1, _ p: (Int) -> String) -> String {
        """
        INSERT INTO coverage_upload_aggregate (upload_id, \(keyColumns), n) VALUES \(Self.groups(rows, 7, p))
        ON CONFLICT (upload_id, \(keyColumns)) DO UPDATE SET n = coverage_upload_aggregate.n + excluded.n
        """
    }

    /// Adds `rows` counts to the merged aggregates (positions per row: kind, cell, technology, operator, bin, n).
    static func addToCells(rows: Int = 1, _ p: (Int) -> String) -> String {
        """
        INSERT INTO coverage_cell_aggregate (\(keyColumns), n) VALUES \(Self.groups(rows, 6, p))
        ON CONFLICT (\(keyColumns)) DO UPDATE SET n = coverage_cell_aggregate.n + excluded.n
        """
    }

    private static func groups(_ rows: Int, _ columns: Int, _ p: (Int) -> String) -> String {
        (0..<rows).map { r in "(" + (1...columns).map { p(r * columns + $0) }.joined(separator: ", ") + ")" }
            .joined(separator: ", ")
    }

    /// Adds (`sign` 1) or takes away (−1) an upload's aggregates to or from the merged ones, in key order
    /// (position 1: the upload).
    static func mergeUpload(sign: Int, _ p: (Int) -> String) -> String {
        """
        INSERT INTO coverage_cell_aggregate (\(keyColumns), n)
        SELECT \(keyColumns), \(sign < 0 ? "-n" : "n") FROM coverage_upload_aggregate WHERE upload_id = \(p(1))
        ORDER BY \(keyColumns)
        ON CONFLICT (\(keyColumns)) DO UPDATE SET n = coverage_cell_aggregate.n + excluded.n
        """
    }

    /// Drops the merged counts an upload's removal brought to zero (position 1: the upload).
    static func dropZeros(_ p: (Int) -> String) -> String {
        """
        DELETE FROM coverage_cell_aggregate WHERE n = 0
            AND cell IN (SELECT cell FROM coverage_upload_aggregate WHERE upload_id = \(p(1)))
        """
    }

    static let signature = "SELECT signature FROM coverage_aggregate_state WHERE id = 1"
    static let markStale = "UPDATE coverage_aggregate_state SET signature = NULL WHERE id = 1 AND signature IS NOT NULL"
    /// Complete uploads whose aggregates are not stored, oldest first.
    static let missingUploads = """
        SELECT upload_id FROM report_upload u WHERE state = 'complete'
            AND NOT EXISTS (SELECT 1 FROM coverage_aggregated_upload a WHERE a.upload_id = u.upload_id)
        ORDER BY uploaded_at, upload_id
        """
    static let mergedRows = "SELECT \(keyColumns), n FROM coverage_cell_aggregate"
    static let reset = [
        "DELETE FROM coverage_cell_aggregate", "DELETE FROM coverage_upload_aggregate",
        "DELETE FROM coverage_aggregated_upload",
    ]

    /// A stored cell (BIGINT) from an H3 index: its 64 bits (H3's top bit is always 0, so the value is positive).
    static func cell(_ index: H3Index) -> Int64 { Int64(bitPattern: index.rawValue) }

    /// A stored row back into a key; nil for a kind this version does not know.
    static func key(
        kind: Int64, cell: Int64, technology: String, operatorCode: String, bin: Int64
    )
        -> CellAggregateKey?
    {
        guard let kind = Int(exactly: kind).flatMap(CellAggregateKey.Kind.init(rawValue:)) else { return nil }
        return CellAggregateKey(
            kind: kind, cell: H3Index(rawValue: UInt64(bitPattern: cell)), technology: technology,
            operatorCode: operatorCode, bin: bin)
    }
}
