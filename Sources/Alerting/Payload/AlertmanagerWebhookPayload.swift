import Foundation
import NetmonProtocol

/// The JSON body Alertmanager's webhook receiver posts (payload version 4), so existing receivers work unchanged.
///
/// Fields: `receiver, status, alerts[{status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint}],
/// groupLabels, commonLabels, commonAnnotations, externalURL, version, groupKey, truncatedAlerts`.
public struct AlertmanagerWebhookPayload: Codable, Sendable, Hashable {
    /// One alert inside the payload.
    public struct Item: Codable, Sendable, Hashable {
        public var status: AlertStatus
        public var labels: [String: String]
        public var annotations: [String: String]
        /// RFC 3339.
        public var startsAt: String
        /// RFC 3339; Go's zero time `0001-01-01T00:00:00Z` while firing.
        public var endsAt: String
        public var generatorURL: String
        public var fingerprint: String
    }

    public var receiver: String
    public var status: AlertStatus
    public var alerts: [Item]
    public var groupLabels: [String: String]
    public var commonLabels: [String: String]
    public var commonAnnotations: [String: String]
    public var externalURL: String
    /// Always `"4"`.
    public var version: String
    public var groupKey: String
    public var truncatedAlerts: Int

    /// Builds the payload of a notification.
    public init(_ notification: AlertNotification, externalURL: String) {
        self.receiver = notification.receiver
        self.status = notification.status
        self.alerts = notification.alerts.map { alert in
            Item(
                status: alert.status, labels: alert.labels, annotations: alert.annotations,
                startsAt: RFC3339.format(alert.startsAt),
                endsAt: alert.endsAt.map(RFC3339.format) ?? RFC3339.zeroTime,
                generatorURL: alert.generatorURL, fingerprint: alert.fingerprint.hex)
        }
        self.groupLabels = notification.groupLabels
        self.commonLabels = notification.commonLabels
        self.commonAnnotations = notification.commonAnnotations
        self.externalURL = externalURL
        self.version = "4"
        self.groupKey = notification.groupKey
        self.truncatedAlerts = notification.truncatedAlerts
    }

    /// The JSON bytes, keys sorted so the same notification always gives the same body.
    public func encoded() throws(DeliveryError) -> [UInt8] {
        try JSONCoding.encode(self)
    }
}

/// Deterministic JSON encoding shared by the payloads.
enum JSONCoding {
    static func encode(_ value: some Encodable) throws(DeliveryError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw DeliveryError(code: .encoding, message: "could not encode JSON: \(error)")
        }
    }
}
