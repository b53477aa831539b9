import Foundation
import NetmonProtocol

/// Pushes alerts into a real Alertmanager: `POST /api/v2/alerts` with `[{labels, annotations, startsAt, endsAt,
/// generatorURL}]`.
///
/// Firing alerts carry `endsAt = now + validFor` (as Prometheus does), so they must be re-sent before that
/// (``AlertmanagerResender``); resolved alerts carry their real `endsAt`.
public struct AlertmanagerPushSender: NotificationSender {
    /// One alert as the v2 API takes it.
    public struct PostableAlert: Codable, Sendable, Hashable {
        public var labels: [String: String]
        public var annotations: [String: String]
        public var startsAt: String
        public var endsAt: String
        public var generatorURL: String
    }

    public var endpoint: HTTPEndpoint
    /// How long a firing alert stays valid without a re-send (seconds; Prometheus uses 4 × the resend delay).
    public var validFor: Double
    let http: DeliveryHTTPClient
    let now: @Sendable () -> Date

    /// Creates a sender for the Alertmanager at `url` (e.g. `http://127.0.0.1:9093`), posting through `http`, the
    /// process's delivery client.
    public init(
        url: String, validFor: Double = 240, http: DeliveryHTTPClient, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(DeliveryError) {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        let endpoint = try HTTPEndpoint(base)
        self.endpoint = endpoint.with(path: (endpoint.path == "/" ? "" : endpoint.path) + "/api/v2/alerts")
        self.validFor = validFor
        self.http = http
        self.now = now
    }

    /// The JSON body for a list of alerts at `now`.
    public func body(for alerts: [Alert], now: Date) throws(DeliveryError) -> [UInt8] {
        try JSONCoding.encode(
            alerts.map { alert in
                PostableAlert(
                    labels: alert.labels, annotations: alert.annotations, startsAt: RFC3339.format(alert.startsAt),
                    endsAt: RFC3339.format(alert.endsAt ?? now.addingTimeInterval(self.validFor)),
                    generatorURL: alert.generatorURL)
            })
    }

    /// Posts alerts.
    public func push(_ alerts: [Alert], timeout: Double = 10) async throws(DeliveryError) {
        guard !alerts.isEmpty else { return }
        let now = self.now()
        let body = try self.body(for: alerts, now: now)
        let response = try await self.http.execute(
            endpoint: self.endpoint, headers: [("Content-Type", "application/json")], body: body, timeout: timeout)
        try WebhookSender.check(response, context: self.endpoint.description, now: now)
    }

    public func send(_ notification: AlertNotification, timeout: Double) async throws(DeliveryError) {
        try await self.push(notification.alerts, timeout: timeout)
    }
}
