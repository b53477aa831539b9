import Foundation
import GRDB

extension SQLiteAlertStore {
    /// The engine and dispatcher saved by the last commit, nil on a new store.
    public func loadSnapshot() async throws(DeliveryError) -> (
        engine: AlertEngine, dispatcher: NotificationDispatcher
    )? {
        let loaded = try await self.read { db in
            (
                try SnapshotRow<AlertEngine>.fetchOne(db, key: "engine")?.json,
                try SnapshotRow<NotificationDispatcher>.fetchOne(db, key: "dispatcher")?.json
            )
        }
        guard let engine = loaded.0, let dispatcher = loaded.1 else { return nil }
        return (engine, dispatcher)
    }

    /// Stores the engine, the dispatcher, the alert rows the actions change and the new notifications, all in one
    /// transaction.
    public func commit(_ commit: EvaluationCommit) async throws(DeliveryError) {
        try await self.write { db in
            try SnapshotRow(name: "engine", json: commit.engine, updatedAt: commit.now).upsert(db)
            try SnapshotRow(name: "dispatcher", json: commit.dispatcher, updatedAt: commit.now).upsert(db)
            for action in commit.actions {
                try Self.record(action, db: db, now: commit.now)
            }
            for notification in commit.notifications {
                try Self.insert(notification, db: db)
            }
        }
    }

    static func record(_ action: AlertStateMachine.Action, db: Database, now: Date) throws {
        switch action {
        case .pending(let alert):
            try AlertRow(
                fingerprint: alert.fingerprint, state: .pending, labels: alert.labels, annotations: alert.annotations,
                since: now, startsAt: nil, endsAt: nil
            ).upsert(db)
        case .fire(let alert):
            try AlertRow(
                fingerprint: alert.fingerprint, state: .firing, labels: alert.labels, annotations: alert.annotations,
                since: alert.startsAt, startsAt: alert.startsAt, endsAt: nil
            ).upsert(db)
        case .resolve(let alert):
            let endsAt = alert.endsAt ?? now
            try AlertRow(
                fingerprint: alert.fingerprint, state: .resolved, labels: alert.labels,
                annotations: alert.annotations, since: endsAt, startsAt: alert.startsAt, endsAt: endsAt
            ).upsert(db)
        case .cancel(let fingerprint):
            try AlertRow.filter(key: fingerprint.hex).filter(
                AlertRow.CodingKeys.state == AlertRecord.State.pending.rawValue
            )
            .deleteAll(db)
        case .update(let alert):
            guard var row = try AlertRow.fetchOne(db, key: alert.fingerprint.hex) else { return }
            row.annotations = alert.annotations
            try row.update(db, columns: [AlertRow.CodingKeys.annotations])
        }
    }

    /// Alerts by state and labels, newest first, at most `query.limit` (`isSilenced` false: the facade fills it).
    public func alertRecords(_ query: AlertQuery) async throws(DeliveryError) -> [AlertRecord] {
        try await self.read { db in
            var request = AlertRow.all()
            if !query.states.isEmpty {
                request = request.filter(query.states.map(\.rawValue).sorted().contains(AlertRow.CodingKeys.state))
            }
            if let since = query.resolvedSince {
                request = request.filter(
                    AlertRow.CodingKeys.state != AlertRecord.State.resolved.rawValue
                        || AlertRow.CodingKeys.endsAt >= since.timeIntervalSince1970)
            }
            var records: [AlertRecord] = []
            let rows = try request.order(AlertRow.CodingKeys.since.desc, AlertRow.CodingKeys.fingerprint)
                .fetchCursor(db)
            while let row = try rows.next() {
                guard query.matchers.matches(row.labels) else { continue }
                records.append(row.record(isSilenced: false))
                if records.count >= query.limit { break }
            }
            return records
        }
    }

    /// How many alerts the store holds in each state.
    public func alertCounts() async throws(DeliveryError) -> [AlertRecord.State: Int] {
        try await self.read { db in
            var counts: [AlertRecord.State: Int] = [.pending: 0, .firing: 0, .resolved: 0]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM alert GROUP BY state") {
                if let state = AlertRecord.State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// Deletes resolved alerts that ended before `cutoff`; returns how many.
    @discardableResult
    public func pruneResolved(before cutoff: Date) async throws(DeliveryError) -> Int {
        try await self.write { db in
            try db.execute(
                sql: "DELETE FROM alert WHERE state = 'resolved' AND ends_at < ?",
                arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }
}
