import Foundation
import GRDB
import NetmonProtocol

/// The `round_direction` table on SQLite (see ``RoundDirectionRows``).
extension SQLiteProvinceStore {
    /// Writes the direction rows of rounds just inserted (inside the ingest transaction).
    static func insertDirections(_ rounds: [ProbeRound], db: Database) throws {
        let rows = rounds.flatMap(RoundDirectionRows.rows)
        guard !rows.isEmpty else { return }
        let values = "(" + Array(repeating: "?", count: RoundDirectionRows.columns.count).joined(separator: ", ") + ")"
        let statement = try db.cachedStatement(
            sql:
                "INSERT INTO round_direction (\(RoundDirectionRows.columnList)) VALUES \(values) ON CONFLICT DO NOTHING"
        )
        for row in rows {
            let f = row.figures
            let r = row.round
            try statement.execute(arguments: [
                r.probeID, r.storedStoreID, r.sequence, row.direction.rawValue, r.commune, r.target,
                r.start.timeIntervalSince1970, r.stepSeconds, f.sent, f.lost, f.delayMinSeconds, f.delayMedianSeconds,
                f.delayMaxSeconds, f.delayWithheld, f.pdvSeconds, f.ipdvMeanSeconds, f.ipdvP99Seconds, f.reordered,
                f.duplicates, row.directions.unattributedLoss, row.directions.reflectorMode,
            ])
        }
    }

    public func roundDirections(
        commune: String, target: String, from: Date, to: Date, limit: Int
    ) async throws -> [StoredRoundDirections] {
        do {
            let rows = try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(RoundDirectionRows.columnList) FROM round_direction
                        WHERE commune = ? AND target = ? AND start_at >= ? AND start_at < ?
                        ORDER BY start_at, probe_id, store_id, sequence, direction LIMIT ?
                        """,
                    arguments: [
                        commune, target, from.timeIntervalSince1970, to.timeIntervalSince1970,
                        limit.multipliedReportingOverflow(by: 2).overflow ? Int.max : limit * 2,
                    ])
            }
            return RoundDirectionRows.assemble(try rows.map(Self.directionRow))
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): round directions")
        }
    }

    private static func directionRow(_ row: Row) throws -> RoundDirectionRows.ReadRow {
        let name: String = row[3]
        guard let direction = RoundDirections.Direction(rawValue: name) else {
            throw StoreError(.corrupt, "direction '\(name)'", context: "round_direction.direction")
        }
        return RoundDirectionRows.ReadRow(
            probeID: row[0], storeID: row[1], sequence: row[2], direction: direction, startAt: row[6],
            stepSeconds: row[7],
            figures: DirectionFigures(
                sent: row[8], lost: row[9], delayMinSeconds: row[10], delayMedianSeconds: row[11],
                delayMaxSeconds: row[12], delayWithheld: row[13], pdvSeconds: row[14], ipdvMeanSeconds: row[15],
                ipdvP99Seconds: row[16], reordered: row[17], duplicates: row[18]),
            unattributedLoss: row[19], reflectorMode: row[20])
    }
}
