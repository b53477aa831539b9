import Foundation

/// Posts notifications as JSON: netmon's payload signed per Standard Webhooks, or Alertmanager's version 4.
///
/// 2xx is delivered; 5xx, 429, 408 and network errors are transient (retried, `Retry-After` honoured); any other
/// status, including 3xx (redirects are not followed), is permanent.
public struct WebhookSender: NotificationSender {
    /// Which body to send.
    public enum Format: String, Sendable, Hashable, Codable {
        /// ``NetmonWebhookPayload``, signed with Standard Webhooks headers when a secret is set.
        case standard
        /// ``AlertmanagerWebhookPayload`` (version 4), also signed when a secret is set.
        case alertmanager
    }

    public var endpoint: HTTPEndpoint
    public var format: Format
    public var signer: StandardWebhookSigner?
    public var externalURL: String
    /// A PEM file of roots to trust for an `https` URL instead of the system's (a receiver with a private CA).
    public var caFile: String?
    let http: DeliveryHTTPClient
    let now: @Sendable () -> Date

    /// Creates a sender posting through `http`, the process's delivery client; `secret` is a `whsec_…` Standard
    /// Webhooks secret.
    public init(
        url: String, format: Format = .standard, secret: String? = nil, externalURL: String = "",
        http: DeliveryHTTPClient, caFile: String? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(DeliveryError) {
        self.endpoint = try HTTPEndpoint(url)
        self.format = format
        self.signer = try secret.map { (secret) throws(DeliveryError) in try StandardWebhookSigner(secret: secret) }
        self.externalURL = externalURL
        self.caFile = caFile
        self.http = http
        self.now = now
    }

    /// The request body for a notification.
    public func body(for notification: AlertNotification) throws(DeliveryError) -> [UInt8] {
        switch self.format {
        case .standard: return try NetmonWebhookPayload(notification).encoded()
        case .alertmanager: return try AlertmanagerWebhookPayload(notification, externalURL: self.externalURL).encoded()
        }
    }

    public func send(_ notification: AlertNotification, timeout: Double) async throws(DeliveryError) {
        let body = try self.body(for: notification)
        var headers = [("Content-Type", "application/json")]
        if let signer {
            headers += signer.headers(
                id: notification.id, timestamp: Int64(self.now().timeIntervalSince1970), body: body)
        } else {
            headers.append(("webhook-id", notification.id))
        }
        let response = try await self.http.execute(
            endpoint: self.endpoint, headers: headers, body: body, timeout: timeout, caFile: self.caFile)
        try Self.check(response, context: "\(self.endpoint) id \(notification.id)", now: self.now())
    }

    /// Turns a non-2xx response into the right error.
    static func check(_ response: HTTPResponse, context: String, now: Date) throws(DeliveryError) {
        guard !response.isSuccess else { return }
        let transient = response.status >= 500 || response.status == 429 || response.status == 408
        let snippet = String(decoding: response.body.prefix(200), as: UTF8.self)
        throw DeliveryError(
            code: .httpStatus,
            message: "the receiver answered \(response.status)"
                + ((300..<400).contains(response.status) ? " (redirects are not followed)" : "")
                + (snippet.isEmpty ? "" : ": \(snippet)"),
            context: context, isTransient: transient, retryAfter: response.retryAfter(now: now))
    }
}
