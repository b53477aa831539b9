import Foundation
import NetmonProtocol

/// The direction breakdown of one stored STAMP round, with the round's identity and step.
public struct StoredRoundDirections: Sendable, Hashable {
    public var probeID: String
    /// nil for rounds of probes that predate store ids.
    public var storeID: String?
    public var sequence: Int64
    /// Start of the round's step.
    public var start: Date
    public var stepSeconds: Double
    public var directions: RoundDirections

    public init(
        probeID: String, storeID: String?, sequence: Int64, start: Date, stepSeconds: Double,
        directions: RoundDirections
    ) {
        self.probeID = probeID
        self.storeID = storeID
        self.sequence = sequence
        self.start = start
        self.stepSeconds = stepSeconds
        self.directions = directions
    }
}
