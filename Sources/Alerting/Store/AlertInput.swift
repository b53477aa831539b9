import Foundation
import NetmonProtocol

/// One thing the alert engine takes in: accepted probe rounds, a probe's health, or a coverage summary.
///
/// Codable, so that a replica that does not evaluate can queue it in a shared store for the one that does.
public enum AlertInput: Sendable, Hashable, Codable {
    case rounds([ProbeRound], receivedAt: Date)
    case health(ProbeHealth, receivedAt: Date)
    case coverage(CoverageSummary)

    /// Applies the input to `engine`.
    func apply(to engine: inout AlertEngine) {
        switch self {
        case .rounds(let rounds, let receivedAt): engine.ingest(rounds, receivedAt: receivedAt)
        case .health(let health, let receivedAt): engine.ingest(health, receivedAt: receivedAt)
        case .coverage(let coverage): engine.ingest(coverage)
        }
    }
}

/// An input queued in a shared store, with the id its removal names.
public struct QueuedAlertInput: Sendable, Hashable {
    public var id: Int64
    public var input: AlertInput

    public init(id: Int64, input: AlertInput) {
        self.id = id
        self.input = input
    }
}
