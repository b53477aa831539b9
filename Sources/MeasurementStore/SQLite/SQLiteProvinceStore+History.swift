import Foundation
import GRDB

/// Coverage history points in SQLite.
extension SQLiteProvinceStore {
    public func appendCoverageHistory(_ points: [CoverageHistoryPoint], now: Date) async throws {
        let cutoff = now.timeIntervalSince1970 - CoverageHistoryRetention.keepEverySeconds
        let insert =
            "INSERT INTO coverage_history (\(ProvinceSchema.historyColumnList)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + ProvinceSchema.historyUpsert
        let thinning = ProvinceSchema.historyThinning { _ in "?" }
        do {
            try await pool.write { db in
                for p in points {
                    try db.execute(
                        sql: insert,
                        arguments: [
                            p.computedAt.timeIntervalSince1970, CoverageHistoryRetention.day(of: p.computedAt),
                            p.commune ?? "", p.reports, p.threeGAreaRatio, p.fourGAreaRatio, p.fiveGAreaRatio,
                            p.speedAreaRatio, p.measuredRatio, p.deadCells, p.deadZones, p.communesWithFourG,
                            p.communes,
                        ])
                }
                try db.execute(sql: thinning, arguments: [cutoff, cutoff])
            }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): append coverage history")
        }
    }

    public func coverageHistory(
        commune: String?, from: Date?, until: Date?, limit: Int
    ) async throws
        -> [CoverageHistoryPoint]
    {
        var sql = "SELECT \(ProvinceSchema.historyColumnList) FROM coverage_history WHERE commune = ?"
        var arguments: [(any DatabaseValueConvertible)?] = [commune ?? ""]
        if let from {
            sql += " AND computed_at >= ?"
            arguments.append(from.timeIntervalSince1970)
        }
        if let until {
            sql += " AND computed_at <= ?"
            arguments.append(until.timeIntervalSince1970)
        }
        sql += " ORDER BY computed_at LIMIT ?"
        arguments.append(limit)
        let frozen = StatementArguments(arguments)
        let query = sql
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: query, arguments: frozen).map { row in
                    let code: String = row[2]
                    return CoverageHistoryPoint(
                        computedAt: Date(timeIntervalSince1970: row[0]), commune: code.isEmpty ? nil : code,
                        reports: row[3], threeGAreaRatio: row[4], fourGAreaRatio: row[5], fiveGAreaRatio: row[6],
                        speedAreaRatio: row[7], measuredRatio: row[8], deadCells: row[9], deadZones: row[10],
                        communesWithFourG: row[11], communes: row[12])
                }
            }
        } catch {
            throw StoreError(.statement, "\(error)", context: "sqlite:\(path): coverage history")
        }
    }
}
