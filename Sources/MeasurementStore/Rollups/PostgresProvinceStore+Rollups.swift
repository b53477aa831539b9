import Foundation
import Logging
import NetmonProtocol
import PostgresNIO

/// Hourly link rollups on PostgreSQL: merged in the ingest's transaction under row locks, so two replicas adding
/// rounds of one link and hour take turns and neither overwrites the other's counts.
extension PostgresProvinceStore {
    static func run(
        _ followUp: ProvinceSchema.Migration.FollowUp, conn: PostgresConnection, logger: Logger
    ) async throws {
        switch followUp {
        case .buildLinkRollups:
            // A day of rounds at a time (one partition, read once; hours never straddle days), streamed so that only
            // the day's rollups are held, skipping days without rounds.
            var days: [Double] = []
            for try await d in try await conn.query(
                "SELECT DISTINCT floor(start_at / 86400) * 86400 FROM probe_round ORDER BY 1", logger: logger
            ).decode(Double.self) {
                days.append(d)
            }
            for day in days {
                let end = day + RoundPartitions.daySeconds
                var rollups: [LinkRollup.Key: LinkRollup] = [:]
                var b = PostgresBindings(capacity: 2)
                b.append(day)
                b.append(end)
                let rows = try await conn.query(
                    PostgresQuery(
                        unsafeSQL:
                            "SELECT \(ProvinceSchema.roundColumnList) FROM probe_round WHERE start_at >= $1 AND start_at < $2",
                        binds: b), logger: logger)
                for try await row in rows { rollups.add(try storedRound(PostgresRandomAccessRow(row)).round) }
                try await mergeRollups(rollups, conn: conn, logger: logger)
            }
        }
    }

    /// Adds `rollups` to the stored ones of the same link and hour: missing rows are made empty, every row is
    /// locked in one order (bytewise, as Swift sorts), merged here and written back.
    static func mergeRollups(
        _ rollups: [LinkRollup.Key: LinkRollup], conn: PostgresConnection, logger: Logger
    ) async throws {
        guard !rollups.isEmpty else { return }
        let keys = rollups.keys.sorted()
        var b = PostgresBindings(capacity: 3)
        b.append(keys.map(\.commune))
        b.append(keys.map(\.target))
        b.append(keys.map(\.bucketStart))
        try await conn.query(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO link_rollup (\(RoundPartitions.rollupColumnList))
                    SELECT c, t, h, 0, 0, 0, 0, 0, NULL, NULL, 0, 0, 0, 0, ''
                    FROM unnest($1::text[], $2::text[], $3::float8[]) WITH ORDINALITY AS k(c, t, h, n) ORDER BY n
                    ON CONFLICT (commune, target, bucket_start) DO NOTHING
                    """, binds: b), logger: logger)
        var merged = rollups
        let rows = try await conn.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(RoundPartitions.rollupColumnList) FROM link_rollup
                    WHERE (commune, target, bucket_start) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::float8[]))
                    ORDER BY commune COLLATE "C", target COLLATE "C", bucket_start FOR UPDATE
                    """, binds: b), logger: logger)
        for try await row in rows {
            let stored = try rollup(PostgresRandomAccessRow(row))
            merged[stored.key]?.merge(stored)
        }
        let all = keys.compactMap { merged[$0] }
        var start = 0
        while start < all.count {
            let chunk = all[start..<min(start + 500, all.count)]
            start += chunk.count
            var binds = PostgresBindings(capacity: chunk.count * RoundPartitions.rollupColumns.count)
            for r in chunk {
                binds.append(r.commune)
                binds.append(r.target)
                binds.append(r.bucketStart)
                binds.append(Int64(r.rounds))
                binds.append(Int64(r.sent))
                binds.append(Int64(r.received))
                binds.append(Int64(r.rttCount))
                binds.append(r.rttSum)
                binds.append(r.rttMin)
                binds.append(r.rttMax)
                binds.append(Int64(r.medianCount))
                binds.append(r.medianSum)
                binds.append(Int64(r.jitterCount))
                binds.append(r.jitterSum)
                binds.append(r.histogram.text)
            }
            let sql =
                "INSERT INTO link_rollup (\(RoundPartitions.rollupColumnList)) VALUES "
                + placeholders(rows: chunk.count, columns: RoundPartitions.rollupColumns.count) + " "
                + RoundPartitions.rollupUpsert
            try await conn.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }

    static func rollup(_ c: PostgresRandomAccessRow) throws -> LinkRollup {
        var r = LinkRollup(
            commune: try c[0].decode(String.self), target: try c[1].decode(String.self),
            bucketStart: try c[2].decode(Double.self))
        r.rounds = Int(try c[3].decode(Int64.self))
        r.sent = Int(try c[4].decode(Int64.self))
        r.received = Int(try c[5].decode(Int64.self))
        r.rttCount = Int(try c[6].decode(Int64.self))
        r.rttSum = try c[7].decode(Double.self)
        r.rttMin = try c[8].decode(Double?.self)
        r.rttMax = try c[9].decode(Double?.self)
        r.medianCount = Int(try c[10].decode(Int64.self))
        r.medianSum = try c[11].decode(Double.self)
        r.jitterCount = Int(try c[12].decode(Int64.self))
        r.jitterSum = try c[13].decode(Double.self)
        r.histogram = try RTTHistogram(text: try c[14].decode(String.self))
        return r
    }

    public func linkRollups(commune: String, target: String, from: Date, to: Date) async throws -> [LinkRollup] {
        try await wrap("link rollups") {
            var out: [LinkRollup] = []
            let rows = try await client.query(
                """
                SELECT commune, target, bucket_start, rounds, sent, received, rtt_count, rtt_sum, rtt_min, rtt_max,
                    median_count, median_sum, jitter_count, jitter_sum, rtt_histogram
                FROM link_rollup WHERE commune = \(commune) AND target = \(target)
                    AND bucket_start >= \(from.timeIntervalSince1970) AND bucket_start < \(to.timeIntervalSince1970)
                ORDER BY bucket_start
                """, logger: logger)
            for try await row in rows { out.append(try Self.rollup(PostgresRandomAccessRow(row))) }
            return out
        }
    }
}
