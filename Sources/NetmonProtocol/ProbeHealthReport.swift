import Foundation

/// A probe's report about itself, carried by every forwarded ``ProbeRoundBatch`` (its optional `health` object).
///
/// Wire format (snake_case, RFC 3339 UTC): `{"outbox_pending": 1200, "capture_drops_total": 35,
/// "sent_at": "2026-11-29T06:00:00Z"}`. Added compatibly: batches without it still decode, and servers that
/// predate it ignore the key (JSON decoding skips unknown keys). The server feeds it to alerting's
/// `ForwardingBacklog` and `CaptureDrops` rules.
public struct ProbeHealthReport: Codable, Sendable, Hashable {
    /// Rounds waiting in the gateway's forwarding outbox when the batch was sent (the batch's own rounds included).
    public var outboxPending: Int
    /// Packets the capture dropped since the capture started (libpcap `ps_drop`, summed over interfaces; a counter
    /// that restarts at 0 with the daemon); nil when the probe runs no capture.
    public var captureDropsTotal: Int?
    /// When the probe sent the batch (the probe's clock); the server derives a drop rate from two reports.
    public var sentAt: Date

    public init(outboxPending: Int, captureDropsTotal: Int? = nil, sentAt: Date) {
        self.outboxPending = outboxPending
        self.captureDropsTotal = captureDropsTotal
        self.sentAt = sentAt
    }

    enum CodingKeys: String, CodingKey {
        case outboxPending = "outbox_pending"
        case captureDropsTotal = "capture_drops_total"
        case sentAt = "sent_at"
    }
}
