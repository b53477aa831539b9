import Foundation
import Logging
import NetmonProtocol
import PostgresNIO

/// The `round_direction` table on PostgreSQL (see ``RoundDirectionRows``).
extension PostgresProvinceStore {
    /// Writes the direction rows of rounds just inserted (inside the ingest transaction), 1,000 rows a statement.
    static func insertDirections(_ rounds: [ProbeRound], conn: PostgresConnection, logger: Logger) async throws {
        let rows = rounds.flatMap(RoundDirectionRows.rows)
        let columns = RoundDirectionRows.columns.count
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + 1000, rows.count)]
            start += chunk.count
            var b = PostgresBindings(capacity: chunk.count * columns)
            for row in chunk {
                let f = row.figures
                let r = row.round
                b.append(r.probeID)
                b.append(r.storedStoreID)
                b.append(r.sequence)
                b.append(row.direction.rawValue)
                b.append(r.commune)
                b.append(r.target)
                b.append(r.start.timeIntervalSince1970)
                b.append(r.stepSeconds)
                b.append(f.sent.map { Int32(clamping: $0) })
                b.append(f.lost.map { Int32(clamping: $0) })
                b.append(f.delayMinSeconds)
                b.append(f.delayMedianSeconds)
                b.append(f.delayMaxSeconds)
                b.append(f.delayWithheld)
                b.append(f.pdvSeconds)
                b.append(f.ipdvMeanSeconds)
                b.append(f.ipdvP99Seconds)
                b.append(Int32(clamping: f.reordered))
                b.append(Int32(clamping: f.duplicates))
                b.append(Int32(clamping: row.directions.unattributedLoss))
                b.append(row.directions.reflectorMode)
            }
            let sql =
                "INSERT INTO round_direction (\(RoundDirectionRows.columnList)) VALUES "
                + Self.placeholders(rows: chunk.count, columns: columns) + " ON CONFLICT DO NOTHING"
            try await conn.query(PostgresQuery(unsafeSQL: sql, binds: b), logger: logger)
        }
    }

    public func roundDirections(
        commune: String, target: String, from: Date, to: Date, limit: Int
    ) async throws -> [StoredRoundDirections] {
        var b = PostgresBindings(capacity: 5)
        b.append(commune)
        b.append(target)
        b.append(from.timeIntervalSince1970)
        b.append(to.timeIntervalSince1970)
        b.append(Int64(clamping: limit).multipliedReportingOverflow(by: 2).overflow ? Int64.max : Int64(limit) * 2)
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT \(RoundDirectionRows.columnList) FROM round_direction
                WHERE commune = $1 AND target = $2 AND start_at >= $3 AND start_at < $4
                ORDER BY start_at, probe_id, store_id, sequence, direction LIMIT $5
                """, binds: b)
        return try await wrap("round directions") {
            var rows: [RoundDirectionRows.ReadRow] = []
            for try await row in try await client.query(query, logger: logger) {
                rows.append(try Self.directionRow(PostgresRandomAccessRow(row)))
            }
            return RoundDirectionRows.assemble(rows)
        }
    }

    private static func directionRow(_ c: PostgresRandomAccessRow) throws -> RoundDirectionRows.ReadRow {
        let name = try c[3].decode(String.self)
        guard let direction = RoundDirections.Direction(rawValue: name) else {
            throw StoreError(.corrupt, "direction '\(name)'", context: "round_direction.direction")
        }
        return RoundDirectionRows.ReadRow(
            probeID: try c[0].decode(String.self), storeID: try c[1].decode(String.self),
            sequence: try c[2].decode(Int64.self), direction: direction, startAt: try c[6].decode(Double.self),
            stepSeconds: try c[7].decode(Double.self),
            figures: DirectionFigures(
                sent: try c[8].decode(Int32?.self).map(Int.init), lost: try c[9].decode(Int32?.self).map(Int.init),
                delayMinSeconds: try c[10].decode(Double?.self), delayMedianSeconds: try c[11].decode(Double?.self),
                delayMaxSeconds: try c[12].decode(Double?.self), delayWithheld: try c[13].decode(String?.self),
                pdvSeconds: try c[14].decode(Double?.self), ipdvMeanSeconds: try c[15].decode(Double?.self),
                ipdvP99Seconds: try c[16].decode(Double?.self), reordered: Int(try c[17].decode(Int32.self)),
                duplicates: Int(try c[18].decode(Int32.self))),
            unattributedLoss: Int(try c[19].decode(Int32.self)), reflectorMode: try c[20].decode(String.self))
    }
}
