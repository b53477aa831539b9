import Foundation
import NetmonProtocol

/// netmon's own webhook body, sent signed per Standard Webhooks: `{"type", "timestamp", "data"}`.
///
/// `type` is `alert.firing` or `alert.resolved`; `data` holds the group and its alerts with their fingerprints.
public struct NetmonWebhookPayload: Codable, Sendable, Hashable {
    /// The group of alerts.
    public struct Group: Codable, Sendable, Hashable {
        public var receiver: String
        public var status: AlertStatus
        public var groupKey: String
        public var groupLabels: [String: String]
        public var commonLabels: [String: String]
        public var alerts: [AlertmanagerWebhookPayload.Item]
        public var truncatedAlerts: Int
    }

    public var type: String
    /// RFC 3339 creation time of the notification (stable across retries).
    public var timestamp: String
    public var data: Group

    /// Builds the payload of a notification.
    public init(_ notification: AlertNotification) {
        let manager = AlertmanagerWebhookPayload(notification, externalURL: "")
        self.type = "alert." + notification.status.rawValue
        self.timestamp = RFC3339.format(notification.createdAt)
        self.data = Group(
            receiver: notification.receiver, status: notification.status, groupKey: notification.groupKey,
            groupLabels: notification.groupLabels, commonLabels: notification.commonLabels, alerts: manager.alerts,
            truncatedAlerts: notification.truncatedAlerts)
    }

    /// The JSON bytes, keys sorted.
    public func encoded() throws(DeliveryError) -> [UInt8] {
        try JSONCoding.encode(self)
    }
}
