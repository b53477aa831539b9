import Alerting
import Foundation
import Logging
import MeasurementStore
import PostgresNIO
import SiteCatalog

/// The PostgreSQL engine of the ``AlertStore``: alert state, silences, the outbox, dead letters, the engine's
/// snapshot and the queue of inputs, in the province store's database, so that every `netmon serve` replica on it
/// shares them (tables `alert_*`, applied with the province store's migrations).
///
/// The evaluation's commit is fenced by the leader lease (``PostgresLeaderLease/fence(_:logger:)``): a replica that
/// lost the lease cannot write alert state or new notifications, so two replicas never notify the same group state
/// under two ids. Delivery bookkeeping (delivered, retry, dead) is not fenced: a delivery a deposed leader completed
/// is one the receiver got, and recording it spares a resend. Inputs (rounds, health reports, coverage summaries)
/// are queued by whichever replica ingested them and taken in by the leader's commit, each exactly once.
public struct PostgresAlertStore: AlertStoreEngine {
    /// The alert tables, for ``PostgresProvinceStore/init(location:logger:additionalMigrations:)``. Append only.
    public static let migrations = [
        ProvinceSchema.Migration(
            id: "pg-alerts-v1",
            statements: [
                """
                CREATE TABLE alert_snapshot (
                    name TEXT PRIMARY KEY,
                    json TEXT NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL)
                """,
                """
                CREATE TABLE alert (
                    fingerprint TEXT PRIMARY KEY,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
                    labels TEXT NOT NULL,
                    annotations TEXT NOT NULL,
                    since DOUBLE PRECISION NOT NULL,
                    starts_at DOUBLE PRECISION,
                    ends_at DOUBLE PRECISION)
                """,
                "CREATE INDEX alert_state ON alert (state, since)",
                """
                CREATE TABLE alert_silence (
                    id TEXT PRIMARY KEY,
                    matchers TEXT NOT NULL,
                    starts_at DOUBLE PRECISION NOT NULL,
                    ends_at DOUBLE PRECISION NOT NULL,
                    created_by TEXT NOT NULL,
                    comment TEXT NOT NULL,
                    CHECK (ends_at > starts_at))
                """,
                """
                CREATE TABLE alert_outbox (
                    id TEXT PRIMARY KEY,
                    receiver TEXT NOT NULL,
                    notification TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
                    attempts BIGINT NOT NULL DEFAULT 0,
                    next_attempt_at DOUBLE PRECISION NOT NULL,
                    last_error TEXT,
                    finished_at DOUBLE PRECISION)
                """,
                "CREATE INDEX alert_outbox_due ON alert_outbox (state, next_attempt_at)",
                """
                CREATE TABLE alert_dead_letter (
                    id TEXT PRIMARY KEY REFERENCES alert_outbox (id),
                    receiver TEXT NOT NULL,
                    attempts BIGINT NOT NULL,
                    last_error TEXT NOT NULL,
                    died_at DOUBLE PRECISION NOT NULL)
                """,
                """
                CREATE TABLE alert_input (
                    id BIGSERIAL PRIMARY KEY,
                    input TEXT NOT NULL,
                    queued_at DOUBLE PRECISION NOT NULL)
                """,
            ])
    ]

    let store: PostgresProvinceStore
    let lease: PostgresLeaderLease
    let logger: Logger

    /// The engine on `store`'s database, its commits fenced by `lease`.
    public init(
        store: PostgresProvinceStore, lease: PostgresLeaderLease,
        logger: Logger = Logger(label: "netmon.alerting.store")
    ) {
        self.store = store
        self.lease = lease
        self.logger = logger
    }

    public var location: String { self.store.location.redactedURL }
    public var queuesInputs: Bool { true }

    private var client: PostgresClient { self.store.client }

    /// Runs `body`, turning its errors into ``DeliveryError``s (`.notLeader` for a failed fence).
    @discardableResult
    private func run<T>(_ what: String, _ body: () async throws -> T) async throws(DeliveryError) -> T {
        do {
            return try await self.store.wrap(what, body)
        } catch let error as StoreError where error.code == .notLeader {
            throw DeliveryError(code: .notLeader, message: error.message, context: "\(self.location): \(what)")
        } catch {
            throw DeliveryError(
                code: .store, message: "alert store: \(error)", context: "\(self.location): \(what)")
        }
    }

    private static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try AlertStore.makeEncoder().encode(value), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try AlertStore.makeDecoder().decode(type, from: Data(text.utf8))
    }

    private static func date(_ seconds: Double?) -> Date? { seconds.map { Date(timeIntervalSince1970: $0) } }

    // MARK: Outbox

    private static let outboxColumns =
        "id, notification, state, attempts, next_attempt_at, last_error, finished_at"

    private func entries(_ query: PostgresQuery) async throws -> [NotificationOutboxEntry] {
        var out: [NotificationOutboxEntry] = []
        let rows = try await self.client.query(query, logger: self.logger)
        for try await (id, json, state, attempts, next, lastError, finished) in rows.decode(
            (String, String, String, Int64, Double, String?, Double?).self)
        {
            guard let state = NotificationOutboxEntry.State(rawValue: state) else {
                throw StoreError(.corrupt, "unknown outbox state '\(state)'", context: "alert_outbox \(id)")
            }
            out.append(
                NotificationOutboxEntry(
                    notification: try Self.decode(AlertNotification.self, json), state: state,
                    attempts: Int(attempts), nextAttemptAt: Date(timeIntervalSince1970: next), lastError: lastError,
                    finishedAt: Self.date(finished)))
        }
        return out
    }

    private static func insert(
        _ notification: AlertNotification, connection: PostgresConnection, logger: Logger
    ) async throws {
        let created = notification.createdAt.timeIntervalSince1970
        try await connection.query(
            """
            INSERT INTO alert_outbox (id, receiver, notification, created_at, next_attempt_at)
            VALUES (\(notification.id), \(notification.receiver), \(try Self.json(notification)), \(created), \(created))
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
    }

    public func enqueue(_ notifications: [AlertNotification]) async throws(DeliveryError) {
        let logger = self.logger
        try await self.run("enqueue") {
            try await self.client.withTransaction(logger: logger) { connection in
                for notification in notifications {
                    try await Self.insert(notification, connection: connection, logger: logger)
                }
            }
        }
    }

    public func due(at now: Date, limit: Int) async throws(DeliveryError) -> [NotificationOutboxEntry] {
        let t = now.timeIntervalSince1970
        return try await self.run("due notifications") {
            try await self.entries(
                """
                SELECT \(unescaped: Self.outboxColumns) FROM alert_outbox
                WHERE state = 'pending' AND next_attempt_at <= \(t) ORDER BY created_at, id LIMIT \(limit)
                """)
        }
    }

    public func nextAttempt() async throws(DeliveryError) -> Date? {
        try await self.run("next attempt") {
            let rows = try await self.client.query(
                "SELECT min(next_attempt_at) FROM alert_outbox WHERE state = 'pending'", logger: self.logger)
            for try await next in rows.decode(Double?.self) { return Self.date(next) }
            return nil
        }
    }

    public func outbox(
        state: NotificationOutboxEntry.State, limit: Int
    ) async throws(DeliveryError) -> [NotificationOutboxEntry] {
        try await self.run("outbox") {
            try await self.entries(
                """
                SELECT \(unescaped: Self.outboxColumns) FROM alert_outbox
                WHERE state = \(state.rawValue) ORDER BY created_at, id LIMIT \(limit)
                """)
        }
    }

    public func outboxCounts() async throws(DeliveryError) -> [NotificationOutboxEntry.State: Int] {
        try await self.run("outbox counts") {
            var counts: [NotificationOutboxEntry.State: Int] = [.pending: 0, .delivered: 0, .dead: 0]
            let rows = try await self.client.query(
                "SELECT state, count(*) FROM alert_outbox GROUP BY state", logger: self.logger)
            for try await (name, n) in rows.decode((String, Int64).self) {
                if let state = NotificationOutboxEntry.State(rawValue: name) { counts[state] = Int(n) }
            }
            return counts
        }
    }

    public func deadLetterCount() async throws(DeliveryError) -> Int {
        try await self.run("dead letters") { try await self.count("SELECT count(*) FROM alert_dead_letter") }
    }

    private func count(_ query: PostgresQuery) async throws -> Int {
        for try await n in try await self.client.query(query, logger: self.logger).decode(Int64.self) {
            return Int(n)
        }
        return 0
    }

    public func markDelivered(id: String, attempts: Int, at now: Date) async throws(DeliveryError) -> Bool {
        let t = now.timeIntervalSince1970
        return try await self.run("mark delivered") {
            try await self.count(
                """
                WITH changed AS (
                    UPDATE alert_outbox SET state = 'delivered', attempts = \(attempts), finished_at = \(t),
                        last_error = NULL
                    WHERE id = \(id) AND state = 'pending' RETURNING 1)
                SELECT count(*) FROM changed
                """) > 0
        }
    }

    public func reschedule(id: String, attempts: Int, next: Date, error: String) async throws(DeliveryError) {
        let t = next.timeIntervalSince1970
        try await self.run("reschedule") {
            try await self.client.query(
                """
                UPDATE alert_outbox SET attempts = \(attempts), next_attempt_at = \(t), last_error = \(error)
                WHERE id = \(id) AND state = 'pending'
                """, logger: self.logger)
        }
    }

    public func deadLetter(id: String, attempts: Int, error: String, at now: Date) async throws(DeliveryError) {
        let t = now.timeIntervalSince1970
        let logger = self.logger
        try await self.run("dead letter") {
            try await self.client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    WITH died AS (
                        UPDATE alert_outbox SET state = 'dead', attempts = \(attempts), last_error = \(error),
                            finished_at = \(t)
                        WHERE id = \(id) AND state = 'pending' RETURNING id, receiver)
                    INSERT INTO alert_dead_letter (id, receiver, attempts, last_error, died_at)
                    SELECT id, receiver, \(attempts), \(error), \(t) FROM died
                    """, logger: logger)
            }
        }
    }

    public func pruneDelivered(before cutoff: Date) async throws(DeliveryError) -> Int {
        try await self.prune("alert_outbox", state: "delivered", endedBefore: cutoff, column: "finished_at")
    }

    /// Deletes the rows of `table` in `state` whose `column` is before `cutoff`; returns how many.
    private func prune(
        _ table: String, state: String, endedBefore cutoff: Date, column: String
    ) async throws(DeliveryError) -> Int {
        let t = cutoff.timeIntervalSince1970
        return try await self.run("prune \(table)") {
            try await self.count(
                """
                WITH gone AS (
                    DELETE FROM \(unescaped: table) WHERE state = \(state) AND \(unescaped: column) < \(t) RETURNING 1)
                SELECT count(*) FROM gone
                """)
        }
    }

    // MARK: Silences

    public func add(_ silence: Silence) async throws(DeliveryError) {
        try await self.run("add silence") {
            try await self.client.query(
                """
                INSERT INTO alert_silence (id, matchers, starts_at, ends_at, created_by, comment)
                VALUES (\(silence.id), \(try Self.json(silence.matchers.map(\.description))),
                    \(silence.startsAt.timeIntervalSince1970), \(silence.endsAt.timeIntervalSince1970),
                    \(silence.createdBy), \(silence.comment))
                ON CONFLICT (id) DO UPDATE SET matchers = excluded.matchers, starts_at = excluded.starts_at,
                    ends_at = excluded.ends_at, created_by = excluded.created_by, comment = excluded.comment
                """, logger: self.logger)
        }
    }

    public func expireSilence(id: String, at now: Date) async throws(DeliveryError) -> Bool {
        let t = now.timeIntervalSince1970
        return try await self.run("expire silence") {
            try await self.count(
                """
                WITH ended AS (
                    UPDATE alert_silence SET ends_at = greatest(starts_at + 0.001, \(t))
                    WHERE id = \(id) AND ends_at > \(t) RETURNING 1)
                SELECT count(*) FROM ended
                """) > 0
        }
    }

    public func silences(activeAt now: Date?) async throws(DeliveryError) -> [Silence] {
        let query: PostgresQuery
        let columns = "id, matchers, starts_at, ends_at, created_by, comment"
        if let now {
            let t = now.timeIntervalSince1970
            query = """
                SELECT \(unescaped: columns) FROM alert_silence WHERE starts_at <= \(t) AND ends_at > \(t)
                ORDER BY starts_at, id
                """
        } else {
            query = "SELECT \(unescaped: columns) FROM alert_silence ORDER BY starts_at, id"
        }
        return try await self.run("silences") {
            var out: [Silence] = []
            let rows = try await self.client.query(query, logger: self.logger)
            for try await (id, matchersJSON, starts, ends, createdBy, comment) in rows.decode(
                (String, String, Double, Double, String, String).self)
            {
                // A matcher that today's checks refuse (an unsafe regular expression stored by an older version):
                // the silence is left out rather than failing every evaluation, as with SQLite.
                guard
                    let matchers = try? Self.decode([String].self, matchersJSON).map({
                        try LabelMatcher(parsing: $0)
                    })
                else { continue }
                out.append(
                    Silence(
                        id: id, matchers: matchers, startsAt: Date(timeIntervalSince1970: starts),
                        endsAt: Date(timeIntervalSince1970: ends), createdBy: createdBy, comment: comment))
            }
            return out
        }
    }

    public func pruneSilences(endedBefore cutoff: Date) async throws(DeliveryError) -> Int {
        let t = cutoff.timeIntervalSince1970
        return try await self.run("prune silences") {
            try await self.count(
                "WITH gone AS (DELETE FROM alert_silence WHERE ends_at < \(t) RETURNING 1) SELECT count(*) FROM gone")
        }
    }

    // MARK: Alerts and engine state

    public func loadSnapshot() async throws(DeliveryError) -> (
        engine: AlertEngine, dispatcher: NotificationDispatcher
    )? {
        try await self.run("load snapshot") {
            var texts: [String: String] = [:]
            let rows = try await self.client.query(
                "SELECT name, json FROM alert_snapshot WHERE name IN ('engine', 'dispatcher')", logger: self.logger)
            for try await (name, json) in rows.decode((String, String).self) { texts[name] = json }
            guard let engine = texts["engine"], let dispatcher = texts["dispatcher"] else { return nil }
            return (
                try Self.decode(AlertEngine.self, engine), try Self.decode(NotificationDispatcher.self, dispatcher)
            )
        }
    }

    public func commit(_ commit: EvaluationCommit) async throws(DeliveryError) {
        let logger = self.logger
        let lease = self.lease
        let now = commit.now.timeIntervalSince1970
        try await self.run("commit evaluation") {
            let engine = try Self.json(commit.engine)
            let dispatcher = try Self.json(commit.dispatcher)
            try await self.client.withTransaction(logger: logger) { connection in
                try await lease.fence(connection, logger: logger)
                for (name, json) in [("engine", engine), ("dispatcher", dispatcher)] {
                    try await connection.query(
                        """
                        INSERT INTO alert_snapshot (name, json, updated_at) VALUES (\(name), \(json), \(now))
                        ON CONFLICT (name) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
                        """, logger: logger)
                }
                for action in commit.actions {
                    try await Self.record(action, now: commit.now, connection: connection, logger: logger)
                }
                for notification in commit.notifications {
                    try await Self.insert(notification, connection: connection, logger: logger)
                }
                if !commit.consumedInputs.isEmpty {
                    try await connection.query(
                        "DELETE FROM alert_input WHERE id = ANY(\(commit.consumedInputs))", logger: logger)
                }
            }
        }
    }

    private static func upsert(
        _ alert: Alert, state: AlertRecord.State, since: Date, startsAt: Date?, endsAt: Date?,
        connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO alert (fingerprint, state, labels, annotations, since, starts_at, ends_at)
            VALUES (\(alert.fingerprint.hex), \(state.rawValue), \(try Self.json(alert.labels)),
                \(try Self.json(alert.annotations)), \(since.timeIntervalSince1970),
                \(startsAt?.timeIntervalSince1970), \(endsAt?.timeIntervalSince1970))
            ON CONFLICT (fingerprint) DO UPDATE SET state = excluded.state, labels = excluded.labels,
                annotations = excluded.annotations, since = excluded.since, starts_at = excluded.starts_at,
                ends_at = excluded.ends_at
            """, logger: logger)
    }

    /// The alert row change of one state-machine action (as the SQLite engine records it).
    private static func record(
        _ action: AlertStateMachine.Action, now: Date, connection: PostgresConnection, logger: Logger
    ) async throws {
        switch action {
        case .pending(let alert):
            try await Self.upsert(
                alert, state: .pending, since: now, startsAt: nil, endsAt: nil, connection: connection, logger: logger)
        case .fire(let alert):
            try await Self.upsert(
                alert, state: .firing, since: alert.startsAt, startsAt: alert.startsAt, endsAt: nil,
                connection: connection, logger: logger)
        case .resolve(let alert):
            let endsAt = alert.endsAt ?? now
            try await Self.upsert(
                alert, state: .resolved, since: endsAt, startsAt: alert.startsAt, endsAt: endsAt,
                connection: connection, logger: logger)
        case .cancel(let fingerprint):
            try await connection.query(
                "DELETE FROM alert WHERE fingerprint = \(fingerprint.hex) AND state = 'pending'", logger: logger)
        case .update(let alert):
            try await connection.query(
                "UPDATE alert SET annotations = \(try Self.json(alert.annotations)) WHERE fingerprint = \(alert.fingerprint.hex)",
                logger: logger)
        }
    }

    public func alertRecords(_ query: AlertQuery) async throws(DeliveryError) -> [AlertRecord] {
        let states = query.states.map(\.rawValue).sorted()
        let resolvedSince = query.resolvedSince?.timeIntervalSince1970
        return try await self.run("alerts") {
            var records: [AlertRecord] = []
            let rows = try await self.client.query(
                """
                SELECT fingerprint, state, labels, annotations, since, starts_at, ends_at FROM alert
                WHERE (cardinality(\(states)::text[]) = 0 OR state = ANY(\(states)))
                    AND (\(resolvedSince)::double precision IS NULL OR state <> 'resolved'
                        OR ends_at >= \(resolvedSince))
                ORDER BY since DESC, fingerprint
                """, logger: self.logger)
            for try await (hex, stateName, labelsJSON, annotationsJSON, since, startsAt, endsAt) in rows.decode(
                (String, String, String, String, Double, Double?, Double?).self)
            {
                guard records.count < query.limit else { continue }
                guard let fingerprint = Fingerprint(hex: hex), let state = AlertRecord.State(rawValue: stateName)
                else {
                    throw StoreError(.corrupt, "bad fingerprint or state '\(stateName)'", context: "alert \(hex)")
                }
                let labels = try Self.decode([String: String].self, labelsJSON)
                guard query.matchers.matches(labels) else { continue }
                records.append(
                    AlertRecord(
                        fingerprint: fingerprint, state: state, labels: labels,
                        annotations: try Self.decode([String: String].self, annotationsJSON),
                        since: Date(timeIntervalSince1970: since), startsAt: Self.date(startsAt),
                        endsAt: Self.date(endsAt)))
            }
            return records
        }
    }

    public func alertCounts() async throws(DeliveryError) -> [AlertRecord.State: Int] {
        try await self.run("alert counts") {
            var counts: [AlertRecord.State: Int] = [.pending: 0, .firing: 0, .resolved: 0]
            let rows = try await self.client.query(
                "SELECT state, count(*) FROM alert GROUP BY state", logger: self.logger)
            for try await (name, n) in rows.decode((String, Int64).self) {
                if let state = AlertRecord.State(rawValue: name) { counts[state] = Int(n) }
            }
            return counts
        }
    }

    public func pruneResolved(before cutoff: Date) async throws(DeliveryError) -> Int {
        try await self.prune("alert", state: "resolved", endedBefore: cutoff, column: "ends_at")
    }

    // MARK: Inputs

    public func queue(_ input: AlertInput) async throws(DeliveryError) {
        try await self.run("queue input") {
            try await self.client.query(
                """
                INSERT INTO alert_input (input, queued_at)
                VALUES (\(try Self.json(input)), extract(epoch FROM clock_timestamp()))
                """, logger: self.logger)
        }
    }

    public func queuedInputs(limit: Int) async throws(DeliveryError) -> [QueuedAlertInput] {
        try await self.run("queued inputs") {
            var out: [QueuedAlertInput] = []
            var unreadable: [Int64] = []
            let rows = try await self.client.query(
                "SELECT id, input FROM alert_input ORDER BY id LIMIT \(limit)", logger: self.logger)
            for try await (id, json) in rows.decode((Int64, String).self) {
                if let input = try? Self.decode(AlertInput.self, json) {
                    out.append(QueuedAlertInput(id: id, input: input))
                } else {
                    unreadable.append(id)
                }
            }
            if !unreadable.isEmpty {
                // Written by another version of netmon: dropped (and logged) rather than blocking every commit.
                self.logger.error("dropped unreadable alert inputs", metadata: ["ids": "\(unreadable)"])
                try await self.client.query(
                    "DELETE FROM alert_input WHERE id = ANY(\(unreadable))", logger: self.logger)
            }
            return out
        }
    }
}
