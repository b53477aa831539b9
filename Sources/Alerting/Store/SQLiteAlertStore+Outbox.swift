import Foundation
import GRDB

extension SQLiteAlertStore {
    /// Adds a notification to the outbox as pending, unless a row with its id exists (enqueueing is idempotent).
    static func insert(_ notification: AlertNotification, db: Database) throws {
        guard try !OutboxRow.exists(db, key: notification.id) else { return }
        try OutboxRow(pending: notification).insert(db)
    }

    /// Stores notifications to be sent (idempotent by id).
    public func enqueue(_ notifications: [AlertNotification]) async throws(DeliveryError) {
        try await self.write { db in
            for notification in notifications { try Self.insert(notification, db: db) }
        }
    }

    /// Pending notifications whose next attempt is due at `now`, oldest first.
    public func due(at now: Date, limit: Int = 100) async throws(DeliveryError) -> [NotificationOutboxEntry] {
        try await self.entries(
            OutboxRow.filter(
                OutboxRow.CodingKeys.state == NotificationOutboxEntry.State.pending.rawValue
                    && OutboxRow.CodingKeys.nextAttemptAt <= now.timeIntervalSince1970),
            limit: limit)
    }

    /// The earliest next attempt among pending notifications.
    public func nextAttempt() async throws(DeliveryError) -> Date? {
        try await self.read { db in
            try Double.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'")
                .map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// Every stored notification in a state, oldest first.
    public func outbox(
        state: NotificationOutboxEntry.State, limit: Int = 1000
    ) async throws(DeliveryError) -> [NotificationOutboxEntry] {
        try await self.entries(OutboxRow.filter(OutboxRow.CodingKeys.state == state.rawValue), limit: limit)
    }

    /// Counts of notifications by state.
    public func outboxCounts() async throws(DeliveryError) -> [NotificationOutboxEntry.State: Int] {
        try await self.read { db in
            var counts: [NotificationOutboxEntry.State: Int] = [.pending: 0, .delivered: 0, .dead: 0]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM outbox GROUP BY state") {
                if let state = NotificationOutboxEntry.State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// How many notifications were given up (the dead-letter counter).
    public func deadLetterCount() async throws(DeliveryError) -> Int {
        try await self.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM dead_letter") ?? 0 }
    }

    /// Marks a notification delivered. Returns false if it was not pending (already delivered or dead).
    @discardableResult
    public func markDelivered(id: String, attempts: Int, at now: Date) async throws(DeliveryError) -> Bool {
        try await self.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'delivered', attempts = ?, finished_at = ?, last_error = NULL
                    WHERE id = ? AND state = 'pending'
                    """, arguments: [attempts, now.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    /// Records a failed attempt and when to try again.
    public func reschedule(id: String, attempts: Int, next: Date, error: String) async throws(DeliveryError) {
        try await self.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?
                    WHERE id = ? AND state = 'pending'
                    """, arguments: [attempts, next.timeIntervalSince1970, error, id])
        }
    }

    /// Gives a notification up: marks it dead and records it in the dead-letter table.
    public func deadLetter(id: String, attempts: Int, error: String, at now: Date) async throws(DeliveryError) {
        try await self.write { db in
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
    public func pruneDelivered(before cutoff: Date) async throws(DeliveryError) -> Int {
        try await self.write { db in
            try db.execute(
                sql: "DELETE FROM outbox WHERE state = 'delivered' AND finished_at < ?",
                arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }

    /// The rows `request` selects, oldest first, at most `limit`.
    private func entries(
        _ request: QueryInterfaceRequest<OutboxRow>, limit: Int
    ) async throws(DeliveryError) -> [NotificationOutboxEntry] {
        try await self.read { db in
            try request.order(OutboxRow.CodingKeys.createdAt, OutboxRow.CodingKeys.id).limit(limit)
                .fetchAll(db).map(\.entry)
        }
    }
}
