import Foundation

/// One stored notification with its delivery state.
public struct NotificationOutboxEntry: Sendable, Hashable {
    /// `pending` (to be sent), `delivered`, or `dead` (given up).
    public enum State: String, Sendable, Hashable, Codable {
        case pending
        case delivered
        case dead
    }

    public var notification: AlertNotification
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var finishedAt: Date?

    public init(
        notification: AlertNotification, state: State, attempts: Int, nextAttemptAt: Date, lastError: String?,
        finishedAt: Date?
    ) {
        self.notification = notification
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.finishedAt = finishedAt
    }
}
