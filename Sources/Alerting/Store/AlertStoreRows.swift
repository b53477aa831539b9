import Foundation
import GRDB

/// A row of one of the alert store's tables as a GRDB record: its columns are the coding keys, times are stored as
/// Unix seconds (`REAL`) and nested values (labels, a notification, the engine) as JSON text with the store's
/// coders. The records read the schema of migration `v1` as it is.
protocol AlertStoreRow: Codable, Sendable, FetchableRecord, PersistableRecord {}

extension AlertStoreRow {
    static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }

    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .timeIntervalSince1970
    }

    static func databaseJSONDecoder(for column: String) -> JSONDecoder { AlertStore.makeDecoder() }

    static func databaseJSONEncoder(for column: String) -> JSONEncoder { AlertStore.makeEncoder() }
}

/// A row of `alert`: one alert's current state.
struct AlertRow: AlertStoreRow {
    static let databaseTableName = "alert"

    var fingerprint: Fingerprint
    var state: AlertRecord.State
    var labels: [String: String]
    var annotations: [String: String]
    var since: Date
    var startsAt: Date?
    var endsAt: Date?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case fingerprint, state, labels, annotations, since
        case startsAt = "starts_at"
        case endsAt = "ends_at"
    }

    /// The alert as queries return it.
    func record(isSilenced: Bool) -> AlertRecord {
        AlertRecord(
            fingerprint: self.fingerprint, state: self.state, labels: self.labels, annotations: self.annotations,
            since: self.since, startsAt: self.startsAt, endsAt: self.endsAt, isSilenced: isSilenced)
    }
}

/// A row of `silence`; its matchers are stored as their text.
struct SilenceRow: AlertStoreRow {
    static let databaseTableName = "silence"

    var id: String
    var matchers: [String]
    var startsAt: Date
    var endsAt: Date
    var createdBy: String
    var comment: String

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, matchers, comment
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case createdBy = "created_by"
    }
}

/// A row of `outbox`: one notification and its delivery state.
struct OutboxRow: AlertStoreRow {
    static let databaseTableName = "outbox"

    var id: String
    var receiver: String
    var notification: AlertNotification
    var createdAt: Date
    var state: NotificationOutboxEntry.State
    var attempts: Int
    var nextAttemptAt: Date
    var lastError: String?
    var finishedAt: Date?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, receiver, notification, state, attempts
        case createdAt = "created_at"
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
        case finishedAt = "finished_at"
    }

    /// A new, pending row: first attempt due when the notification was made.
    init(pending notification: AlertNotification) {
        self.id = notification.id
        self.receiver = notification.receiver
        self.notification = notification
        self.createdAt = notification.createdAt
        self.state = .pending
        self.attempts = 0
        self.nextAttemptAt = notification.createdAt
        self.lastError = nil
        self.finishedAt = nil
    }

    /// The entry as the delivery worker and the API see it.
    var entry: NotificationOutboxEntry {
        NotificationOutboxEntry(
            notification: self.notification, state: self.state, attempts: self.attempts,
            nextAttemptAt: self.nextAttemptAt, lastError: self.lastError, finishedAt: self.finishedAt)
    }
}

/// A row of `snapshot`: the engine or the dispatcher as JSON.
struct SnapshotRow<Value: Codable & Sendable>: AlertStoreRow {
    static var databaseTableName: String { "snapshot" }

    var name: String
    var json: Value
    var updatedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case name, json
        case updatedAt = "updated_at"
    }
}
