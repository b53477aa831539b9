import Foundation
import GRDB

/// The gateway database's schema, as named forward-only migrations.
///
/// Never edit a migration that has shipped: add a new one. A database migrated by a newer build is refused
/// (`GatewayStoreError.Code.newerSchema`) rather than written with a schema this build does not know.
enum StoreSchema {
    static func makeMigrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: rounds, rollups, outbox, sequence counters") { db in
            // The last sequence number handed out per probe. Kept apart from `rounds` so expiring raw rounds
            // never lets a number be reused.
            try db.execute(
                sql: """
                    CREATE TABLE sequence_counter (
                        probe_id TEXT PRIMARY KEY NOT NULL,
                        last_sequence INTEGER NOT NULL CHECK (last_sequence >= 0)
                    ) STRICT
                    """)
            // Raw rounds, kept `RetentionPolicy.rawSeconds`. Times are Unix seconds (UTC).
            try db.execute(
                sql: """
                    CREATE TABLE round (
                        probe_id TEXT NOT NULL,
                        sequence INTEGER NOT NULL CHECK (sequence > 0),
                        commune TEXT NOT NULL,
                        target TEXT NOT NULL,
                        address TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('icmp', 'tcp', 'passive')),
                        start REAL NOT NULL,
                        step_seconds REAL NOT NULL CHECK (step_seconds > 0),
                        sent INTEGER NOT NULL CHECK (sent >= 0),
                        received INTEGER NOT NULL CHECK (received >= 0 AND received <= sent),
                        rtt_seconds TEXT NOT NULL,
                        jitter_seconds REAL,
                        median_seconds REAL,
                        PRIMARY KEY (probe_id, sequence)
                    ) STRICT
                    """)
            try db.execute(sql: "CREATE INDEX round_by_start ON round(start)")
            try db.execute(sql: "CREATE INDEX round_by_target ON round(commune, target, start)")
            // Consolidations maintained as rounds are written: resolution 300 s (5-minute) and 3600 s (hourly).
            try db.execute(
                sql: """
                    CREATE TABLE rollup (
                        resolution INTEGER NOT NULL CHECK (resolution > 0),
                        commune TEXT NOT NULL,
                        target TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        bucket_start REAL NOT NULL,
                        rounds INTEGER NOT NULL,
                        sent INTEGER NOT NULL,
                        received INTEGER NOT NULL,
                        rtt_count INTEGER NOT NULL,
                        rtt_sum REAL NOT NULL,
                        rtt_min REAL,
                        rtt_max REAL,
                        median_count INTEGER NOT NULL,
                        median_sum REAL NOT NULL,
                        median_min REAL,
                        median_max REAL,
                        jitter_count INTEGER NOT NULL,
                        jitter_sum REAL NOT NULL,
                        PRIMARY KEY (resolution, commune, target, bucket_start)
                    ) STRICT
                    """)
            try db.execute(sql: "CREATE INDEX rollup_by_age ON rollup(resolution, bucket_start)")
            // Rounds not yet acknowledged by the server, as the exact JSON that will be sent.
            try db.execute(
                sql: """
                    CREATE TABLE outbox (
                        probe_id TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        payload TEXT NOT NULL,
                        enqueued_at REAL NOT NULL,
                        PRIMARY KEY (probe_id, sequence)
                    ) STRICT
                    """)
            // Counters that must survive restarts (rounds dropped from a full outbox).
            try db.execute(
                sql: """
                    CREATE TABLE store_counter (
                        name TEXT PRIMARY KEY NOT NULL,
                        value INTEGER NOT NULL
                    ) STRICT
                    """)
        }
        migrator.registerMigration("v2: store identity, rejected rounds") { db in
            // A random id made with the database and carried in every round: the server tells this store's rounds
            // from those of an earlier database of the same probe (rebuilt or moved away), whose sequence numbers
            // this one reuses. A new id is taken when the server reports a number it holds with other content.
            try db.execute(
                sql: """
                    CREATE TABLE store_identity (
                        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                        store_id TEXT NOT NULL CHECK (length(store_id) BETWEEN 1 AND 64),
                        created_at REAL NOT NULL
                    ) STRICT
                    """)
            try db.execute(
                sql: "INSERT INTO store_identity (singleton, store_id, created_at) VALUES (1, ?, ?)",
                arguments: [StoreIdentity.newID(), Date().timeIntervalSince1970])
            // The id each raw round was sent under ('' for rounds numbered before store ids).
            try db.execute(sql: "ALTER TABLE round ADD COLUMN store_id TEXT NOT NULL DEFAULT ''")
            // Rounds the server refused for good (a clock before 2000, a target it does not know): set aside with
            // the server's reason instead of blocking the outbox; kept for the operator, never sent again.
            try db.execute(
                sql: """
                    CREATE TABLE rejected_round (
                        probe_id TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        payload TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        rejected_at REAL NOT NULL,
                        PRIMARY KEY (probe_id, sequence)
                    ) STRICT
                    """)
        }
        migrator.registerMigration("v3: signal reports of the gateway's modem") { db in
            // Signal reports are numbered in a sequence of their own, with the same rules as rounds: a counter kept
            // apart from the reports so that retention never lets a number be reused, the store id of the store
            // that numbered them, an outbox of exact wire JSON, and reports the server refused set aside.
            try db.execute(
                sql: """
                    CREATE TABLE signal_counter (
                        probe_id TEXT PRIMARY KEY NOT NULL,
                        last_sequence INTEGER NOT NULL CHECK (last_sequence >= 0)
                    ) STRICT
                    """)
            try db.execute(
                sql: """
                    CREATE TABLE signal_report (
                        probe_id TEXT NOT NULL,
                        sequence INTEGER NOT NULL CHECK (sequence > 0),
                        store_id TEXT NOT NULL,
                        time REAL NOT NULL,
                        technology TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        PRIMARY KEY (probe_id, sequence)
                    ) STRICT
                    """)
            try db.execute(sql: "CREATE INDEX signal_report_by_time ON signal_report(time)")
            try db.execute(
                sql: """
                    CREATE TABLE signal_outbox (
                        probe_id TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        payload TEXT NOT NULL,
                        enqueued_at REAL NOT NULL,
                        PRIMARY KEY (probe_id, sequence)
                    ) STRICT
                    """)
            try db.execute(
                sql: """
                    CREATE TABLE rejected_signal (
                        probe_id TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        payload TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        rejected_at REAL NOT NULL,
                        PRIMARY KEY (probe_id, sequence)
                    ) STRICT
                    """)
        }
        migrator.registerMigration("v4: stamp rounds with a direction breakdown") { db in
            // SQLite cannot change a CHECK constraint: the round table is rebuilt with `stamp` among the kinds and
            // the breakdown of STAMP rounds (`ProbeRound.directions`, JSON) as a column of its own.
            try db.execute(
                sql: """
                    CREATE TABLE round_v4 (
                        probe_id TEXT NOT NULL,
                        sequence INTEGER NOT NULL CHECK (sequence > 0),
                        commune TEXT NOT NULL,
                        target TEXT NOT NULL,
                        address TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('icmp', 'tcp', 'passive', 'stamp')),
                        start REAL NOT NULL,
                        step_seconds REAL NOT NULL CHECK (step_seconds > 0),
                        sent INTEGER NOT NULL CHECK (sent >= 0),
                        received INTEGER NOT NULL CHECK (received >= 0 AND received <= sent),
                        rtt_seconds TEXT NOT NULL,
                        jitter_seconds REAL,
                        median_seconds REAL,
                        store_id TEXT NOT NULL DEFAULT '',
                        directions TEXT,
                        PRIMARY KEY (probe_id, sequence)
                    ) STRICT
                    """)
            let columns =
                "probe_id, sequence, commune, target, address, kind, start, step_seconds, sent, received, "
                + "rtt_seconds, jitter_seconds, median_seconds, store_id"
            try db.execute(sql: "INSERT INTO round_v4 (\(columns)) SELECT \(columns) FROM round")
            try db.execute(sql: "DROP TABLE round")
            try db.execute(sql: "ALTER TABLE round_v4 RENAME TO round")
            try db.execute(sql: "CREATE INDEX round_by_start ON round(start)")
            try db.execute(sql: "CREATE INDEX round_by_target ON round(commune, target, start)")
        }
        return migrator
    }
}

/// The gateway store's identity.
enum StoreIdentity {
    /// A new random store id: 32 lowercase hex digits.
    static func newID() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}
