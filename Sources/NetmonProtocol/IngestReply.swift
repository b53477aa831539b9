import Foundation

/// The server's answer to a `ProbeRoundBatch` (`200 OK`): what became of each round.
///
/// A batch is judged round by round. Every round the reply does not name in `rejected` or `conflicts` is stored on
/// the server (newly, or as a duplicate of an identical round), and the gateway may forget it. Older servers answer
/// only the three counts; a gateway then takes every round as stored, as before.
public struct IngestReply: Codable, Sendable, Hashable {
    /// Rounds newly stored.
    public var accepted: Int
    /// Rounds the server already held with identical content (sent again after a lost acknowledgement).
    public var duplicates: Int
    /// Rounds in the batch.
    public var received: Int
    /// Rounds refused for good, with the reason: the gateway sets them aside and does not send them again.
    public var rejected: [RoundRejection]
    /// Rounds whose identity (probe, store, sequence) the server holds with other content: the gateway's store
    /// reused a number (restored from an old backup). The gateway gives them, and its later rounds, a new store id.
    public var conflicts: [RoundConflict]

    public init(
        accepted: Int, duplicates: Int, received: Int, rejected: [RoundRejection] = [], conflicts: [RoundConflict] = []
    ) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.received = received
        self.rejected = rejected
        self.conflicts = conflicts
    }

    enum CodingKeys: String, CodingKey {
        case accepted, duplicates, received, rejected, conflicts
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.accepted = try c.decode(Int.self, forKey: .accepted)
        self.duplicates = try c.decode(Int.self, forKey: .duplicates)
        self.received = try c.decode(Int.self, forKey: .received)
        self.rejected = try c.decodeIfPresent([RoundRejection].self, forKey: .rejected) ?? []
        self.conflicts = try c.decodeIfPresent([RoundConflict].self, forKey: .conflicts) ?? []
    }
}

/// A round the server refused, and why (`rounds[3].start: …`).
public struct RoundRejection: Codable, Sendable, Hashable {
    /// Position of the round in the batch.
    public var index: Int
    public var sequence: Int64
    /// The field at fault (`start`, `target`, …).
    public var field: String
    public var reason: String

    public init(index: Int, sequence: Int64, field: String, reason: String) {
        self.index = index
        self.sequence = sequence
        self.field = field
        self.reason = reason
    }

    /// `rounds[INDEX].FIELD: REASON`.
    public var message: String { "rounds[\(index)].\(field): \(reason)" }
}

/// A round whose identity the server already holds with different content.
public struct RoundConflict: Codable, Sendable, Hashable {
    /// Position of the round in the batch.
    public var index: Int
    public var sequence: Int64
    public var storeID: String?

    public init(index: Int, sequence: Int64, storeID: String?) {
        self.index = index
        self.sequence = sequence
        self.storeID = storeID
    }

    enum CodingKeys: String, CodingKey {
        case index, sequence
        case storeID = "store_id"
    }
}
