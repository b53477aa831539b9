import Foundation

/// Emails notifications over SMTP (multipart text + HTML, UTF-8, RFC 2047 subject).
public struct EmailSender: NotificationSender {
    public var from: String
    public var to: [String]
    public var bodyEncoding: EmailMessage.BodyEncoding
    let client: SMTPClient
    let now: @Sendable () -> Date

    /// Creates a sender.
    public init(
        from: String, to: [String], smtp: SMTPConfiguration, bodyEncoding: EmailMessage.BodyEncoding = .base64,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(DeliveryError) {
        guard !to.isEmpty else {
            throw DeliveryError(
                code: .invalidConfiguration, message: "an email receiver needs at least one address in to")
        }
        _ = try smtp.hostAndPort()
        self.from = from
        self.to = to
        self.bodyEncoding = bodyEncoding
        self.client = SMTPClient(configuration: smtp)
        self.now = now
    }

    /// The message for a notification.
    public func message(for notification: AlertNotification) -> EmailMessage {
        let domain = SMTPSession.address(self.from).split(separator: "@").last.map(String.init) ?? "netmon"
        return AlertEmail.message(
            notification, from: self.from, to: self.to, bodyEncoding: self.bodyEncoding, now: self.now(), domain: domain
        )
    }

    public func send(_ notification: AlertNotification, timeout: Double) async throws(DeliveryError) {
        try await self.client.send(
            message: self.message(for: notification).rendered(), sender: self.from, recipients: self.to,
            timeout: timeout)
    }
}
