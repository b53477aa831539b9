import Foundation

/// Time partitioning of raw rounds on PostgreSQL, and the hourly rollups kept longer than them on both engines
/// (migration `v9-round-partitions-rollups`).
///
/// **Partitions.** `probe_round` is `PARTITION BY RANGE (start_at)` with one partition per UTC day, named
/// `probe_round_dYYYYMMDD` and covering `[day, day + 86400)`, plus `probe_round_default` for rounds of a day with
/// no partition (old backlog, a gateway clock far off). A day is the unit because retention drops whole
/// partitions: a day is fine enough that a retention in days is kept to the day, and at national size
/// (~1,100 rounds/s, ~95 million rounds a day) a day's partition is a table of ordinary size while a week's would
/// hold ~670 million rows and make retention a week coarse. The leader makes the partitions of yesterday to a week
/// ahead every hour, so the default partition only takes stragglers.
///
/// **Identity.** PostgreSQL requires the partition key in every unique constraint, so the primary key is
/// `(probe_id, store_id, sequence, start_at)`. The round's identity `(probe_id, store_id, sequence)` is kept exact
/// by `probe_round_watermark`: one row per gateway store with the highest sequence stored, locked (`FOR UPDATE`)
/// by every ingest of that store, so two replicas ingesting the same store take turns. A round above its store's
/// watermark cannot be stored yet and is inserted without a lookup — the steady state, as gateways send in
/// sequence order. A round at or below it (a re-sent batch, an out-of-order round) is looked up by identity in
/// every partition (the primary key's leading columns: one index probe per partition), and is a duplicate (same
/// measurement), a conflict (other measurement, whatever its start time) or new (a gap filled).
///
/// SQLite keeps the plain table and its `(probe_id, store_id, sequence)` key, plus an index on `start_at` for
/// row-by-row retention.
enum RoundPartitions {
    static let daySeconds: Double = 86400

    /// The columns of `link_rollup`, in the order every insert and select uses.
    static let rollupColumns = [
        "commune", "target", "bucket_start", "rounds", "sent", "received", "rtt_count", "rtt_sum", "rtt_min",
        "rtt_max", "median_count", "median_sum", "jitter_count", "jitter_sum", "rtt_histogram",
    ]

    static var rollupColumnList: String { rollupColumns.joined(separator: ", ") }

    /// Replaces a stored rollup with the merged one the ingest computed.
    static var rollupUpsert: String {
        let updates = rollupColumns.filter { !["commune", "target", "bucket_start"].contains($0) }
            .map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return "ON CONFLICT (commune, target, bucket_start) DO UPDATE SET \(updates)"
    }

    static let migration = ProvinceSchema.Migration(
        id: "v9-round-partitions-rollups",
        statements: [
            """
            CREATE TABLE link_rollup (
                commune TEXT NOT NULL,
                target TEXT NOT NULL,
                bucket_start DOUBLE PRECISION NOT NULL,
                rounds BIGINT NOT NULL CHECK (rounds >= 0),
                sent BIGINT NOT NULL CHECK (sent >= 0),
                received BIGINT NOT NULL CHECK (received >= 0),
                rtt_count BIGINT NOT NULL CHECK (rtt_count >= 0),
                rtt_sum DOUBLE PRECISION NOT NULL,
                rtt_min DOUBLE PRECISION,
                rtt_max DOUBLE PRECISION,
                median_count BIGINT NOT NULL CHECK (median_count >= 0),
                median_sum DOUBLE PRECISION NOT NULL,
                jitter_count BIGINT NOT NULL CHECK (jitter_count >= 0),
                jitter_sum DOUBLE PRECISION NOT NULL,
                rtt_histogram TEXT NOT NULL,
                PRIMARY KEY (commune, target, bucket_start)
            )
            """,
            "CREATE INDEX link_rollup_time ON link_rollup (bucket_start)",
        ],
        postgresStatements: [
            // The new table copies every column of the old one (`LIKE`, so columns added by other migrations come
            // along in the same order) with their defaults and checks, but not its key.
            "ALTER TABLE probe_round RENAME TO probe_round_unpartitioned",
            "ALTER INDEX probe_round_link RENAME TO probe_round_unpartitioned_link",
            """
            CREATE TABLE probe_round (LIKE probe_round_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
            PARTITION BY RANGE (start_at)
            """,
            "ALTER TABLE probe_round ADD PRIMARY KEY (probe_id, store_id, sequence, start_at)",
            "CREATE INDEX probe_round_link ON probe_round (commune, target, start_at)",
            "CREATE TABLE probe_round_default PARTITION OF probe_round DEFAULT",
            // One partition per day that holds rounds, so the copy below lands in day partitions.
            """
            DO $$
            DECLARE d DOUBLE PRECISION;
            BEGIN
                FOR d IN SELECT DISTINCT floor(start_at / 86400) FROM probe_round_unpartitioned LOOP
                    EXECUTE format('CREATE TABLE %I PARTITION OF probe_round FOR VALUES FROM (%s) TO (%s)',
                        'probe_round_d' || to_char(to_timestamp(d * 86400) AT TIME ZONE 'UTC', 'YYYYMMDD'),
                        d * 86400, (d + 1) * 86400);
                END LOOP;
            END
            $$
            """,
            "INSERT INTO probe_round SELECT * FROM probe_round_unpartitioned",
            "DROP TABLE probe_round_unpartitioned",
            """
            CREATE TABLE probe_round_watermark (
                probe_id TEXT NOT NULL,
                store_id TEXT NOT NULL,
                max_sequence BIGINT NOT NULL,
                PRIMARY KEY (probe_id, store_id)
            )
            """,
            """
            INSERT INTO probe_round_watermark (probe_id, store_id, max_sequence)
            SELECT probe_id, store_id, MAX(sequence) FROM probe_round GROUP BY probe_id, store_id
            """,
        ] + ReportPartitions.migrationStatements,
        sqliteStatements: ["CREATE INDEX probe_round_start ON probe_round (start_at)"],
        followUp: .buildLinkRollups
    )

    /// The partition of the UTC day starting at `dayStart` (a multiple of 86400).
    static func partitionName(dayStart: Double) -> String {
        let date = Date(timeIntervalSince1970: dayStart)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        let y = c.year ?? 1970
        let m = c.month ?? 1
        let d = c.day ?? 1
        return "probe_round_d" + String(format: "%04d%02d%02d", y, m, d)
    }

    /// The start of the UTC day a partition name stands for; nil for any other table name.
    static func dayStart(ofPartition name: String) -> Double? {
        let prefix = "probe_round_d"
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count)
        guard digits.count == 8, digits.allSatisfy(\.isASCII), let y = Int(digits.prefix(4)),
            let m = Int(digits.dropFirst(4).prefix(2)), let d = Int(digits.suffix(2))
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)) else { return nil }
        return date.timeIntervalSince1970
    }

    /// The start of the UTC day holding `time`.
    static func dayStart(of time: Date) -> Double {
        (time.timeIntervalSince1970 / daySeconds).rounded(.down) * daySeconds
    }
}
