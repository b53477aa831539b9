import Foundation
import PostgresNIO

/// Coverage history points in PostgreSQL.
extension PostgresProvinceStore {
    public func appendCoverageHistory(_ points: [CoverageHistoryPoint], now: Date) async throws {
        let logger = self.logger
        let cutoff = now.timeIntervalSince1970 - CoverageHistoryRetention.keepEverySeconds
        let marks = (1...13).map { "$\($0)" }.joined(separator: ", ")
        let insert =
            "INSERT INTO coverage_history (\(ProvinceSchema.historyColumnList)) VALUES (\(marks)) "
            + ProvinceSchema.historyUpsert
        let thinning = ProvinceSchema.historyThinning { "$\($0)" }
        try await wrap("append coverage history") {
            try await client.withTransaction(logger: logger) { conn in
                for p in points {
                    var b = PostgresBindings(capacity: 13)
                    b.append(p.computedAt.timeIntervalSince1970)
                    b.append(CoverageHistoryRetention.day(of: p.computedAt))
                    b.append(p.commune ?? "")
                    b.append(Int64(p.reports))
                    b.append(p.threeGAreaRatio)
                    b.append(p.fourGAreaRatio)
                    b.append(p.fiveGAreaRatio)
                    b.append(p.speedAreaRatio)
                    b.append(p.measuredRatio)
                    b.append(Int32(clamping: p.deadCells))
                    b.append(Int32(clamping: p.deadZones))
                    b.append(Int32(clamping: p.communesWithFourG))
                    b.append(Int32(clamping: p.communes))
                    try await conn.query(PostgresQuery(unsafeSQL: insert, binds: b), logger: logger)
                }
                var t = PostgresBindings(capacity: 2)
                t.append(cutoff)
                t.append(cutoff)
                try await conn.query(PostgresQuery(unsafeSQL: thinning, binds: t), logger: logger)
            }
        }
    }

    public func coverageHistory(
        commune: String?, from: Date?, until: Date?, limit: Int
    ) async throws
        -> [CoverageHistoryPoint]
    {
        var b = PostgresBindings(capacity: 4)
        b.append(commune ?? "")
        var n = 1
        var sql = "SELECT \(ProvinceSchema.historyColumnList) FROM coverage_history WHERE commune = $1"
        if let from {
            b.append(from.timeIntervalSince1970)
            n += 1
            sql += " AND computed_at >= $\(n)"
        }
        if let until {
            b.append(until.timeIntervalSince1970)
            n += 1
            sql += " AND computed_at <= $\(n)"
        }
        b.append(Int64(limit))
        sql += " ORDER BY computed_at LIMIT $\(n + 1)"
        let query = PostgresQuery(unsafeSQL: sql, binds: b)
        let logger = self.logger
        return try await wrap("coverage history") {
            var out: [CoverageHistoryPoint] = []
            for try await row in try await client.query(query, logger: logger) {
                let c = PostgresRandomAccessRow(row)
                let code = try c[2].decode(String.self)
                out.append(
                    CoverageHistoryPoint(
                        computedAt: Date(timeIntervalSince1970: try c[0].decode(Double.self)),
                        commune: code.isEmpty ? nil : code, reports: Int(try c[3].decode(Int64.self)),
                        threeGAreaRatio: try c[4].decode(Double?.self), fourGAreaRatio: try c[5].decode(Double?.self),
                        fiveGAreaRatio: try c[6].decode(Double?.self), speedAreaRatio: try c[7].decode(Double?.self),
                        measuredRatio: try c[8].decode(Double.self), deadCells: Int(try c[9].decode(Int32.self)),
                        deadZones: Int(try c[10].decode(Int32.self)),
                        communesWithFourG: Int(try c[11].decode(Int32.self)),
                        communes: Int(try c[12].decode(Int32.self))))
            }
            return out
        }
    }
}
