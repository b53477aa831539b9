import Foundation

/// A probe (one per commune gateway) as the server knows it.
public struct ProbeStatus: Sendable, Hashable {
    public var probeID: String
    /// Commune of the probe's most recent round ("" until it delivered one).
    public var commune: String
    /// When the probe last reached the server with a valid batch (UTC), even if every round was a duplicate.
    public var lastHeardAt: Date
    /// Rounds accepted from this probe so far (duplicates excluded).
    public var roundsAccepted: Int64
    /// Highest sequence number accepted.
    public var lastSequence: Int64

    public init(probeID: String, commune: String, lastHeardAt: Date, roundsAccepted: Int64, lastSequence: Int64) {
        self.probeID = probeID
        self.commune = commune
        self.lastHeardAt = lastHeardAt
        self.roundsAccepted = roundsAccepted
        self.lastSequence = lastSequence
    }
}
