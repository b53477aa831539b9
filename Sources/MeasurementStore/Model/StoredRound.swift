import Foundation
import NetmonProtocol

/// A probe round as stored, with when the server received it.
public struct StoredRound: Sendable, Hashable {
    public var round: ProbeRound
    /// When the server accepted the round (UTC).
    public var receivedAt: Date

    public init(round: ProbeRound, receivedAt: Date) {
        self.round = round
        self.receivedAt = receivedAt
    }
}
