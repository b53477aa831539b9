/// The one schema of the province store, as named, forward-only migrations whose SQL runs unchanged on SQLite
/// and PostgreSQL (types are spelled so that both accept them: `DOUBLE PRECISION`, `BIGINT`, `TEXT`, `INTEGER`).
///
/// Times are stored as UTC seconds since 1970 (`DOUBLE PRECISION`); RTTs as seconds, the sorted list as a
/// comma-separated text of shortest-round-trip decimals (identical on both backends).
public enum ProvinceSchema {
    /// A named migration: a list of statements applied in one transaction.
    ///
    /// Most migrations are one SQL text for both engines (`statements`). Where the engines must differ (PostgreSQL's
    /// declarative partitioning; SQLite keeps plain tables), `postgresStatements` and `sqliteStatements` run first on
    /// their engine only, then `statements`, then the `followUp` step, all in the same transaction.
    public struct Migration: Sendable {
        /// Work a migration needs that SQL alone cannot do; each engine runs it in the migration's transaction.
        public enum FollowUp: Sendable, Hashable {
            /// Build `link_rollup` from every stored round (the RTT histograms are computed in Swift).
            case buildLinkRollups
        }

        public var id: String
        public var statements: [String]
        public var postgresStatements: [String]
        public var sqliteStatements: [String]
        public var followUp: FollowUp?

        public init(
            id: String, statements: [String], postgresStatements: [String] = [], sqliteStatements: [String] = [],
            followUp: FollowUp? = nil
        ) {
            self.id = id
            self.statements = statements
            self.postgresStatements = postgresStatements
            self.sqliteStatements = sqliteStatements
            self.followUp = followUp
        }
    }

    /// Every migration, in order. Append only; never edit an applied one.
    public static let migrations: [Migration] = [
        Migration(
            id: "v1-rounds-probes-tokens",
            statements: [
                """
                CREATE TABLE probe_round (
                    probe_id TEXT NOT NULL,
                    sequence BIGINT NOT NULL,
                    commune TEXT NOT NULL,
                    target TEXT NOT NULL,
                    address TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    start_at DOUBLE PRECISION NOT NULL,
                    step_seconds DOUBLE PRECISION NOT NULL,
                    sent INTEGER NOT NULL CHECK (sent >= 0),
                    received INTEGER NOT NULL CHECK (received >= 0 AND received <= sent),
                    rtt_seconds TEXT NOT NULL,
                    jitter_seconds DOUBLE PRECISION,
                    median_seconds DOUBLE PRECISION,
                    loss_ratio DOUBLE PRECISION NOT NULL CHECK (loss_ratio >= 0 AND loss_ratio <= 1),
                    received_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (probe_id, sequence)
                )
                """,
                "CREATE INDEX probe_round_link ON probe_round (commune, target, start_at)",
                """
                CREATE TABLE link_latest (
                    probe_id TEXT NOT NULL,
                    sequence BIGINT NOT NULL,
                    commune TEXT NOT NULL,
                    target TEXT NOT NULL,
                    address TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    start_at DOUBLE PRECISION NOT NULL,
                    step_seconds DOUBLE PRECISION NOT NULL,
                    sent INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    rtt_seconds TEXT NOT NULL,
                    jitter_seconds DOUBLE PRECISION,
                    median_seconds DOUBLE PRECISION,
                    loss_ratio DOUBLE PRECISION NOT NULL,
                    received_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (commune, target)
                )
                """,
                """
                CREATE TABLE probe (
                    probe_id TEXT PRIMARY KEY,
                    commune TEXT NOT NULL DEFAULT '',
                    last_heard_at DOUBLE PRECISION NOT NULL,
                    rounds_accepted BIGINT NOT NULL DEFAULT 0,
                    last_sequence BIGINT NOT NULL DEFAULT -1
                )
                """,
                """
                CREATE TABLE api_token (
                    name TEXT PRIMARY KEY,
                    role TEXT NOT NULL CHECK (role IN ('probe', 'viewer', 'admin')),
                    probe_id TEXT,
                    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
                    created_at DOUBLE PRECISION NOT NULL,
                    CHECK ((role = 'probe') = (probe_id IS NOT NULL))
                )
                """,
            ]
        ),
        Migration(
            id: "v2-coverage-snapshots",
            statements: [
                """
                CREATE TABLE coverage_snapshot (
                    kind TEXT PRIMARY KEY,
                    created_at DOUBLE PRECISION NOT NULL,
                    json TEXT NOT NULL
                )
                """
            ]
        ),
        Migration(
            id: "v3-signal-reports",
            statements: [
                """
                CREATE TABLE report_upload (
                    upload_id TEXT PRIMARY KEY,
                    uploaded_at DOUBLE PRECISION NOT NULL,
                    uploaded_by TEXT NOT NULL,
                    format TEXT NOT NULL CHECK (format IN ('csv', 'jsonl', 'geojson')),
                    preset TEXT NOT NULL,
                    rows_read BIGINT NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
                    rows_accepted BIGINT NOT NULL DEFAULT 0 CHECK (rows_accepted >= 0),
                    rows_rejected BIGINT NOT NULL DEFAULT 0 CHECK (rows_rejected >= 0),
                    state TEXT NOT NULL CHECK (state IN ('receiving', 'complete'))
                )
                """,
                """
                CREATE TABLE signal_report (
                    upload_id TEXT NOT NULL REFERENCES report_upload (upload_id) ON DELETE CASCADE,
                    ordinal BIGINT NOT NULL CHECK (ordinal >= 0),
                    time_at DOUBLE PRECISION,
                    lat DOUBLE PRECISION NOT NULL CHECK (lat >= -90 AND lat <= 90),
                    lon DOUBLE PRECISION NOT NULL CHECK (lon >= -180 AND lon <= 180),
                    technology TEXT NOT NULL CHECK (technology IN ('2G', '3G', '4G', '5G', 'none')),
                    operator TEXT,
                    rsrp_dbm DOUBLE PRECISION,
                    rsrq_db DOUBLE PRECISION,
                    sinr_db DOUBLE PRECISION,
                    nr_ss_rsrp_dbm DOUBLE PRECISION,
                    nr_ss_rsrq_db DOUBLE PRECISION,
                    nr_ss_sinr_db DOUBLE PRECISION,
                    rscp_dbm DOUBLE PRECISION,
                    ecio_db DOUBLE PRECISION,
                    rssi_dbm DOUBLE PRECISION,
                    dl_kbps DOUBLE PRECISION,
                    ul_kbps DOUBLE PRECISION,
                    device TEXT,
                    PRIMARY KEY (upload_id, ordinal)
                )
                """,
            ]
        ),
        Migration(
            id: "v4-round-store-identity",
            statements: [
                // A round's identity gains the gateway store that numbered it (rebuilt gateways start at sequence 1
                // again under a new store id). Rounds of probes that predate store ids keep the empty id.
                """
                CREATE TABLE probe_round_v4 (
                    probe_id TEXT NOT NULL,
                    sequence BIGINT NOT NULL,
                    commune TEXT NOT NULL,
                    target TEXT NOT NULL,
                    address TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    start_at DOUBLE PRECISION NOT NULL,
                    step_seconds DOUBLE PRECISION NOT NULL,
                    sent INTEGER NOT NULL CHECK (sent >= 0),
                    received INTEGER NOT NULL CHECK (received >= 0 AND received <= sent),
                    rtt_seconds TEXT NOT NULL,
                    jitter_seconds DOUBLE PRECISION,
                    median_seconds DOUBLE PRECISION,
                    loss_ratio DOUBLE PRECISION NOT NULL CHECK (loss_ratio >= 0 AND loss_ratio <= 1),
                    received_at DOUBLE PRECISION NOT NULL,
                    store_id TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (probe_id, store_id, sequence)
                )
                """,
                """
                INSERT INTO probe_round_v4 (\(v1RoundColumns), store_id)
                SELECT \(v1RoundColumns), '' FROM probe_round
                """,
                "DROP TABLE probe_round",
                "ALTER TABLE probe_round_v4 RENAME TO probe_round",
                "CREATE INDEX probe_round_link ON probe_round (commune, target, start_at)",
                "ALTER TABLE link_latest ADD COLUMN store_id TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE probe ADD COLUMN store_id TEXT NOT NULL DEFAULT ''",
                // Hashes of tokens deleted through the API: a tokens file read at start-up never brings them back.
                """
                CREATE TABLE revoked_token (
                    token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
                    name TEXT NOT NULL,
                    revoked_at DOUBLE PRECISION NOT NULL
                )
                """,
            ]
        ),
        Migration(
            id: "v5-gateway-signal-reports",
            statements: [
                // Where an upload's reports come from: `upload` (a file posted to /api/v1/reports) or
                // `gateway:<commune code>` (a gateway modem's reports, one growing upload per probe and gateway
                // store, whose ordinals are the gateway's sequence numbers).
                "ALTER TABLE report_upload ADD COLUMN source TEXT NOT NULL DEFAULT 'upload'"
            ]
        ),
        Migration(
            id: "v6-coverage-history",
            statements: [
                // One row per recomputation and scope: the province (commune '') and each commune. `local_day` is
                // the day in the province's time zone, for thinning points older than 90 days to one per day.
                """
                CREATE TABLE coverage_history (
                    computed_at DOUBLE PRECISION NOT NULL,
                    local_day BIGINT NOT NULL,
                    commune TEXT NOT NULL,
                    reports BIGINT NOT NULL CHECK (reports >= 0),
                    ratio_3g DOUBLE PRECISION,
                    ratio_4g DOUBLE PRECISION,
                    ratio_5g DOUBLE PRECISION,
                    speed_ratio DOUBLE PRECISION,
                    measured_ratio DOUBLE PRECISION NOT NULL,
                    dead_cells INTEGER NOT NULL CHECK (dead_cells >= 0),
                    dead_zones INTEGER NOT NULL CHECK (dead_zones >= 0),
                    communes_with_4g INTEGER NOT NULL CHECK (communes_with_4g >= 0),
                    communes INTEGER NOT NULL CHECK (communes >= 0),
                    PRIMARY KEY (commune, computed_at)
                )
                """,
                "CREATE INDEX coverage_history_time ON coverage_history (computed_at)",
            ]
        ),
        RoundDirectionRows.migration,
        Migration(id: "v8-coverage-cell-aggregates", statements: CoverageAggregateSQL.migration),
        RoundPartitions.migration,
    ]

    /// The columns of `coverage_history`, in the order every insert and select uses.
    static let historyColumnList =
        "computed_at, local_day, commune, reports, ratio_3g, ratio_4g, ratio_5g, speed_ratio, measured_ratio, "
        + "dead_cells, dead_zones, communes_with_4g, communes"

    /// Makes a history insert replace the point of the same scope and time (two recomputations within the clock's
    /// resolution, or a frozen clock: the later figures are kept).
    static let historyUpsert = """
        ON CONFLICT (commune, computed_at) DO UPDATE SET local_day = excluded.local_day, reports = excluded.reports,
            ratio_3g = excluded.ratio_3g, ratio_4g = excluded.ratio_4g, ratio_5g = excluded.ratio_5g,
            speed_ratio = excluded.speed_ratio, measured_ratio = excluded.measured_ratio,
            dead_cells = excluded.dead_cells, dead_zones = excluded.dead_zones,
            communes_with_4g = excluded.communes_with_4g, communes = excluded.communes
        """

    /// Deletes points older than a cutoff (placeholders 1 and 2 both hold it) that are not the last of their
    /// province-local day.
    static func historyThinning(_ p: (Int) -> String) -> String {
        """
        DELETE FROM coverage_history WHERE computed_at < \(p(1)) AND computed_at NOT IN (
            SELECT MAX(computed_at) FROM coverage_history WHERE computed_at < \(p(2)) GROUP BY local_day)
        """
    }

    /// The columns of `probe_round` before v4, for the copy into the rebuilt table.
    static let v1RoundColumns =
        "probe_id, sequence, commune, target, address, kind, start_at, step_seconds, sent, received, rtt_seconds, "
        + "jitter_seconds, median_seconds, loss_ratio, received_at"

    /// The round columns, in the order every insert and select uses.
    static let roundColumns = [
        "probe_id", "sequence", "commune", "target", "address", "kind", "start_at", "step_seconds", "sent",
        "received", "rtt_seconds", "jitter_seconds", "median_seconds", "loss_ratio", "received_at", "store_id",
    ]

    static var roundColumnList: String { roundColumns.joined(separator: ", ") }

    /// `ON CONFLICT` clause keeping the newest round per link.
    ///
    /// Newest means: from the same gateway store, the higher sequence number (gateways number rounds in the order
    /// they finish, whatever their clock says, so a clock that jumped never pins a link); from another store of
    /// the same probe (the gateway's database was rebuilt, so the old store sends no more), the later arrival; from
    /// another probe, the later start, then the later arrival.
    static var linkLatestUpsert: String {
        let updates = roundColumns.filter { $0 != "commune" && $0 != "target" }
            .map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return """
            ON CONFLICT (commune, target) DO UPDATE SET \(updates)
            WHERE CASE
                WHEN excluded.probe_id = link_latest.probe_id AND excluded.store_id = link_latest.store_id
                    THEN excluded.sequence > link_latest.sequence
                WHEN excluded.probe_id = link_latest.probe_id
                    THEN excluded.received_at > link_latest.received_at
                        OR (excluded.received_at = link_latest.received_at
                            AND excluded.start_at >= link_latest.start_at)
                ELSE excluded.start_at > link_latest.start_at
                    OR (excluded.start_at = link_latest.start_at AND excluded.received_at >= link_latest.received_at)
            END
            """
    }

    /// Upsert of a probe's last-heard time and counters; `p` maps 1-based positions to placeholders. The last
    /// sequence is the store's: a probe heard from a new store (rebuilt gateway) starts counting again.
    static func probeUpsert(_ p: (Int) -> String) -> String {
        """
        INSERT INTO probe (probe_id, commune, last_heard_at, rounds_accepted, last_sequence, store_id)
        VALUES (\(p(1)), \(p(2)), \(p(3)), \(p(4)), \(p(5)), \(p(6)))
        ON CONFLICT (probe_id) DO UPDATE SET
            commune = CASE WHEN excluded.commune <> '' THEN excluded.commune ELSE probe.commune END,
            last_heard_at = CASE WHEN excluded.last_heard_at > probe.last_heard_at
                                 THEN excluded.last_heard_at ELSE probe.last_heard_at END,
            rounds_accepted = probe.rounds_accepted + excluded.rounds_accepted,
            last_sequence = CASE WHEN excluded.last_sequence < 0 THEN probe.last_sequence
                                 WHEN excluded.store_id <> probe.store_id THEN excluded.last_sequence
                                 WHEN excluded.last_sequence > probe.last_sequence
                                 THEN excluded.last_sequence ELSE probe.last_sequence END,
            store_id = CASE WHEN excluded.last_sequence < 0 THEN probe.store_id ELSE excluded.store_id END
        """
    }
}
