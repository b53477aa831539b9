import Foundation
import NetmonProtocol

/// Told about every probe round the store accepted, after the store committed it.
///
/// Rounds the store dropped as duplicates (by probe id and sequence) are not passed on, so a listener never counts
/// a round twice. Called on the request's task: keep it quick (hand the rounds to an actor, don't do I/O).
public protocol IngestListener: Sendable {
    /// `rounds` were newly stored for `probeID` at `receivedAt`.
    func roundsAccepted(_ rounds: [ProbeRound], probeID: String, receivedAt: Date) async

    /// `probeID` (of `commune`) reported its `health` with a batch the store committed (also when every round of
    /// it was a duplicate: a resent batch carries the probe's state at the time it was resent).
    func healthReported(_ health: ProbeHealthReport, probeID: String, commune: String, receivedAt: Date) async
}

extension IngestListener {
    /// Ignores health reports (listeners that only want rounds).
    public func healthReported(_ health: ProbeHealthReport, probeID: String, commune: String, receivedAt: Date) async {}
}
