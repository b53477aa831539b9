import CoverageModel
import Foundation

/// One signal report of a gateway's modem, with the identity the gateway gave it (probe, store id, sequence).
///
/// The store files a gateway's reports as one growing upload per probe and gateway store, `source`
/// `gateway:<commune code>`, whose ordinals are the gateway's sequence numbers: the upload's primary key then makes
/// the identity idempotent on both backends, and coverage counts the reports like any complete upload's.
public struct GatewaySignalEntry: Sendable, Equatable {
    /// The gateway store that numbered the report ('' from a gateway that sent none).
    public var storeID: String
    public var sequence: Int64
    /// The report; its `device` is the source, `gateway:<commune code>`.
    public var report: SignalReport

    public init(storeID: String, sequence: Int64, report: SignalReport) {
        self.storeID = storeID
        self.sequence = sequence
        self.report = report
    }

    /// The upload a probe's reports from one gateway store are filed under.
    public static func uploadID(probeID: String, storeID: String) -> String {
        "gateway:\(probeID):\(storeID)"
    }
}

/// What became of a batch of gateway signal reports.
public struct GatewaySignalOutcome: Sendable, Equatable {
    /// Reports newly stored.
    public var accepted: Int
    /// Reports already stored with identical content (sent again after a lost acknowledgement).
    public var duplicates: Int
    /// Positions (in the batch given) of reports whose identity is stored with other content.
    public var conflicting: [Int]

    public init(accepted: Int = 0, duplicates: Int = 0, conflicting: [Int] = []) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.conflicting = conflicting
    }
}
