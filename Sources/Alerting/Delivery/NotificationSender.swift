/// Something that delivers one notification to one receiver (webhook, Alertmanager, SMTP, sendmail).
///
/// `send` either returns (delivered) or throws a ``DeliveryError`` whose `isTransient` says whether to retry and
/// whose `retryAfter` carries the receiver's `Retry-After`. It must give up within `timeout` seconds.
public protocol NotificationSender: Sendable {
    /// Delivers `notification`; `timeout` bounds the whole attempt.
    func send(_ notification: AlertNotification, timeout: Double) async throws(DeliveryError)
}
