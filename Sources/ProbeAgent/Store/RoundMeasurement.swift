import Foundation
import NetmonProtocol

/// A finished round before the store has given it its sequence number.
///
/// The store turns it into a `ProbeRound` inside the transaction that writes it, so a sequence number exists
/// only for a round that is durably stored: a crash can never leave a gap or reuse a number.
public struct RoundMeasurement: Sendable, Hashable {
    public var commune: String
    public var target: String
    public var address: String
    /// `icmp`, `tcp`, `stamp` or `passive`.
    public var kind: String
    /// Start of the round's step (UTC).
    public var start: Date
    public var stepSeconds: Double
    public var sent: Int
    public var received: Int
    /// Round-trip times of the replies, sorted ascending, in seconds.
    public var rttSeconds: [Double]
    /// RFC 3550 interarrival jitter over the RTTs in send order; nil with fewer than two replies.
    public var jitterSeconds: Double?
    /// The per-direction breakdown of a STAMP round; nil for other kinds.
    public var directions: RoundDirections?

    public init(
        commune: String, target: String, address: String, kind: String, start: Date, stepSeconds: Double,
        sent: Int, received: Int, rttSeconds: [Double], jitterSeconds: Double?, directions: RoundDirections? = nil
    ) {
        self.commune = commune
        self.target = target
        self.address = address
        self.kind = kind
        self.start = start
        self.stepSeconds = stepSeconds
        self.sent = sent
        self.received = received
        self.rttSeconds = rttSeconds
        self.jitterSeconds = jitterSeconds
        self.directions = directions
    }
}
