import Foundation
import GRDB

extension AlertStore {
    static func insert(_ notification: AlertNotification, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO outbox (id, receiver, notification, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
                """,
            arguments: [
                notification.id, notification.receiver, try json(notification),
                notification.createdAt.timeIntervalSince1970, notification.createdAt.timeIntervalSince1970,
            ])
    }

    /// Stores notifications to be sent (idempotent by id).
    public func enqueue(_ notifications: [AlertNotification]) throws(DeliveryError) {
        try self.write { db in
            for notification in notifications { try Self.insert(notification, db: db) }
        }
    }

    /// Pending notifications whose next attempt is due at `now`, oldest first.
    public func due(at now: Date, limit: Int = 100) throws(DeliveryError) -> [OutboxEntry] {
        try self.entries(
            where: "state = 'pending' AND next_attempt_at <= ?", [now.timeIntervalSince1970], limit: limit)
    }

    /// The earliest next attempt among pending notifications.
    public func nextAttempt() throws(DeliveryError) -> Date? {
        try self.read { db in
            try Double.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'")
                .map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// Every stored notification in a state, oldest first.
    public func outbox(state: OutboxEntry.State, limit: Int = 1000) throws(DeliveryError) -> [OutboxEntry] {
        try self.entries(where: "state = ?", [state.rawValue], limit: limit)
    }

    /// Counts of notifications by state.
    public func outboxCounts() throws(DeliveryError) -> [OutboxEntry.State: Int] {
        try self.read { db in
            var counts: [OutboxEntry.State: Int] = [.pending: 0, .delivered: 0, .dead: 0]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM outbox GROUP BY state") {
                if let state = OutboxEntry.State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// How many notifications were given up (the dead-letter counter).
    public func deadLetterCount() throws(DeliveryError) -> Int {
        try self.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM dead_letter") ?? 0 }
    }

    /// Marks a notification delivered. Returns false if it was not pending (already delivered or dead).
    @discardableResult
    public func markDelivered(id: String, attempts: Int, at now: Date) throws(DeliveryError) -> Bool {
        try self.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'delivered', attempts = ?, finished_at = ?, last_error = NULL
                    WHERE id = ? AND state = 'pending'
                    """, arguments: [attempts, now.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    /// Records a failed attempt and when to try again.
    public func reschedule(id: String, attempts: Int, next: Date, error: String) throws(DeliveryError) {
        try self.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?
                    WHERE id = ? AND state = 'pending'
                    """, arguments: [attempts, next.timeIntervalSince1970, error, id])
        }
    }

    /// Gives a notification up: marks it dead and records it in the dead-letter table.
    public func deadLetter(id: String, attempts: Int, error: String, at now: Date) throws(DeliveryError) {
        try self.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'dead', attempts = ?, last_error = ?, finished_at = ?
                    WHERE id = ? AND state = 'pending'
                    """, arguments: [attempts, error, now.timeIntervalSince1970, id])
            guard db.changesCount > 0 else { return }
            try db.execute(
                sql: """
                    INSERT INTO dead_letter (id, receiver, attempts, last_error, died_at)
                    SELECT id, receiver, ?, ?, ? FROM outbox WHERE id = ?
                    """, arguments: [attempts, error, now.timeIntervalSince1970, id])
        }
    }

    /// Deletes delivered notifications finished before `cutoff`.
    @discardableResult
    public func pruneDelivered(before cutoff: Date) throws(DeliveryError) -> Int {
        try self.write { db in
            try db.execute(
                sql: "DELETE FROM outbox WHERE state = 'delivered' AND finished_at < ?",
                arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }

    private func entries(
        where condition: String, _ arguments: StatementArguments, limit: Int
    ) throws(DeliveryError)
        -> [OutboxEntry]
    {
        try self.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT notification, state, attempts, next_attempt_at, last_error, finished_at FROM outbox
                    WHERE \(condition) ORDER BY created_at, id LIMIT \(limit)
                    """, arguments: arguments
            ).map { row in
                let finished: Double? = row["finished_at"]
                return OutboxEntry(
                    notification: try Self.decode(AlertNotification.self, row["notification"]),
                    state: OutboxEntry.State(rawValue: row["state"]) ?? .pending, attempts: row["attempts"],
                    nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]), lastError: row["last_error"],
                    finishedAt: finished.map { Date(timeIntervalSince1970: $0) })
            }
        }
    }
}
