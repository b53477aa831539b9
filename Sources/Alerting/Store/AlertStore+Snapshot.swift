import Foundation
import GRDB

/// The outcome of one evaluation that must be stored atomically.
public struct EvaluationCommit: Sendable {
    /// The engine after the evaluation.
    public var engine: AlertEngine
    /// The dispatcher after the flush.
    public var dispatcher: NotificationDispatcher
    /// The state-machine actions of the evaluation, for the alert table.
    public var actions: [AlertStateMachine.Action]
    /// The notifications to enqueue.
    public var notifications: [AlertNotification]
    /// The evaluation time.
    public var now: Date

    public init(
        engine: AlertEngine, dispatcher: NotificationDispatcher, actions: [AlertStateMachine.Action],
        notifications: [AlertNotification], now: Date
    ) {
        self.engine = engine
        self.dispatcher = dispatcher
        self.actions = actions
        self.notifications = notifications
        self.now = now
    }
}

extension AlertStore {
    /// The engine and dispatcher saved by the last commit, nil on a new store.
    public func loadSnapshot() throws(DeliveryError) -> (engine: AlertEngine, dispatcher: NotificationDispatcher)? {
        try self.read { db in
            guard let engine = try String.fetchOne(db, sql: "SELECT json FROM snapshot WHERE name = 'engine'"),
                let dispatcher = try String.fetchOne(db, sql: "SELECT json FROM snapshot WHERE name = 'dispatcher'")
            else { return nil }
            return (
                try Self.decode(AlertEngine.self, engine), try Self.decode(NotificationDispatcher.self, dispatcher)
            )
        }
    }

    /// Stores the engine, the dispatcher, the alert rows the actions change and the new notifications, all in one
    /// transaction.
    public func commit(_ commit: EvaluationCommit) throws(DeliveryError) {
        try self.write { db in
            let now = commit.now.timeIntervalSince1970
            for (name, json) in [
                ("engine", try Self.json(commit.engine)), ("dispatcher", try Self.json(commit.dispatcher)),
            ] {
                try db.execute(
                    sql: """
                        INSERT INTO snapshot (name, json, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT(name) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
                        """, arguments: [name, json, now])
            }
            for action in commit.actions {
                try Self.record(action, db: db, now: commit.now)
            }
            for notification in commit.notifications {
                try Self.insert(notification, db: db)
            }
        }
    }

    static func record(_ action: AlertStateMachine.Action, db: Database, now: Date) throws {
        let upsert = """
            INSERT INTO alert (fingerprint, state, labels, annotations, since, starts_at, ends_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(fingerprint) DO UPDATE SET state = excluded.state, labels = excluded.labels,
                annotations = excluded.annotations, since = excluded.since, starts_at = excluded.starts_at,
                ends_at = excluded.ends_at
            """
        switch action {
        case .pending(let alert):
            try db.execute(
                sql: upsert,
                arguments: [
                    alert.fingerprint.hex, "pending", try json(alert.labels), try json(alert.annotations),
                    now.timeIntervalSince1970, nil, nil,
                ])
        case .fire(let alert):
            try db.execute(
                sql: upsert,
                arguments: [
                    alert.fingerprint.hex, "firing", try json(alert.labels), try json(alert.annotations),
                    alert.startsAt.timeIntervalSince1970, alert.startsAt.timeIntervalSince1970, nil,
                ])
        case .resolve(let alert):
            try db.execute(
                sql: upsert,
                arguments: [
                    alert.fingerprint.hex, "resolved", try json(alert.labels), try json(alert.annotations),
                    (alert.endsAt ?? now).timeIntervalSince1970, alert.startsAt.timeIntervalSince1970,
                    (alert.endsAt ?? now).timeIntervalSince1970,
                ])
        case .cancel(let fingerprint):
            try db.execute(
                sql: "DELETE FROM alert WHERE fingerprint = ? AND state = 'pending'", arguments: [fingerprint.hex])
        case .update(let alert):
            try db.execute(
                sql: "UPDATE alert SET annotations = ? WHERE fingerprint = ?",
                arguments: [try json(alert.annotations), alert.fingerprint.hex])
        }
    }

    /// Alerts by state and labels, newest first; `isSilenced` reflects `silences` at `now`.
    public func alerts(_ query: AlertQuery = AlertQuery(), now: Date = Date()) throws(DeliveryError) -> [AlertRecord] {
        let silences = try self.silences(activeAt: now)
        return try self.read { db in
            var sql = "SELECT fingerprint, state, labels, annotations, since, starts_at, ends_at FROM alert"
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if !query.states.isEmpty {
                conditions.append("state IN (" + query.states.map { _ in "?" }.joined(separator: ",") + ")")
                arguments += query.states.map(\.rawValue).sorted().map { $0 as (any DatabaseValueConvertible)? }
            }
            if let since = query.resolvedSince {
                conditions.append("(state != 'resolved' OR ends_at >= ?)")
                arguments.append(since.timeIntervalSince1970)
            }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY since DESC, fingerprint"
            var records: [AlertRecord] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) {
                let labels = try Self.decode([String: String].self, row["labels"])
                guard query.matchers.matches(labels) else { continue }
                let fingerprint = Fingerprint(hex: row["fingerprint"]) ?? Fingerprint(labels: labels)
                let startsAt: Double? = row["starts_at"]
                let endsAt: Double? = row["ends_at"]
                records.append(
                    AlertRecord(
                        fingerprint: fingerprint, state: AlertRecord.State(rawValue: row["state"]) ?? .firing,
                        labels: labels, annotations: try Self.decode([String: String].self, row["annotations"]),
                        since: Date(timeIntervalSince1970: row["since"]),
                        startsAt: startsAt.map { Date(timeIntervalSince1970: $0) },
                        endsAt: endsAt.map { Date(timeIntervalSince1970: $0) },
                        isSilenced: silences.mutes(labels, at: now)))
                if records.count >= query.limit { break }
            }
            return records
        }
    }

    /// How many alerts the store holds in each state.
    public func alertCounts() throws(DeliveryError) -> [AlertRecord.State: Int] {
        try self.read { db in
            var counts: [AlertRecord.State: Int] = [.pending: 0, .firing: 0, .resolved: 0]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM alert GROUP BY state") {
                if let state = AlertRecord.State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// Deletes resolved alerts that ended before `cutoff`; returns how many.
    @discardableResult
    public func pruneResolved(before cutoff: Date) throws(DeliveryError) -> Int {
        try self.write { db in
            try db.execute(
                sql: "DELETE FROM alert WHERE state = 'resolved' AND ends_at < ?",
                arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }
}
