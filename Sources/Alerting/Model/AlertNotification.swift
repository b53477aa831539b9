import Foundation

/// One message for one receiver about one group of alerts: the unit the outbox stores and delivers.
///
/// `id` is the Standard Webhooks `webhook-id`: assigned once when the notification is created, stored with it,
/// and sent unchanged on every retry, so a receiver can drop duplicates.
public struct AlertNotification: Codable, Sendable, Hashable {
    /// The idempotency key (`msg_…`).
    public var id: String
    /// The receiver's name from the configuration.
    public var receiver: String
    /// The aggregation group's key (route path and group labels), as Alertmanager's `groupKey`.
    public var groupKey: String
    /// The labels the group is formed by (`group_by`).
    public var groupLabels: [String: String]
    /// The alerts of the group at the time of the notification, firing first, then by fingerprint.
    public var alerts: [Alert]
    /// When the notification was created.
    public var createdAt: Date
    /// How many alerts were left out because of a size limit.
    public var truncatedAlerts: Int

    /// Creates a notification.
    public init(
        id: String, receiver: String, groupKey: String, groupLabels: [String: String], alerts: [Alert],
        createdAt: Date, truncatedAlerts: Int = 0
    ) {
        self.id = id
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.alerts = alerts
        self.createdAt = createdAt
        self.truncatedAlerts = truncatedAlerts
    }

    /// `.firing` when any alert fires, `.resolved` when all have resolved.
    public var status: AlertStatus { self.alerts.contains { $0.status == .firing } ? .firing : .resolved }

    /// Labels every alert of the group shares.
    public var commonLabels: [String: String] { Self.common(self.alerts.map(\.labels)) }
    /// Annotations every alert of the group shares.
    public var commonAnnotations: [String: String] { Self.common(self.alerts.map(\.annotations)) }

    /// Creates a fresh webhook id: `msg_` and 26 random base-32 characters (about 128 bits).
    public static func makeID() -> String {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        var generator = SystemRandomNumberGenerator()
        return "msg_" + String((0..<26).map { _ in alphabet[Int(generator.next() % 32)] })
    }

    private static func common(_ sets: [[String: String]]) -> [String: String] {
        guard var result = sets.first else { return [:] }
        for set in sets.dropFirst() {
            result = result.filter { set[$0.key] == $0.value }
        }
        return result
    }
}
