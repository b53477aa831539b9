import NetmonProtocol

/// What an ingest did: how many rounds were new, how many were already stored with the same content (or repeated
/// in the batch), and which ones collided with a stored round of the same identity but other content.
public struct IngestOutcome: Sendable, Hashable, Codable {
    public var accepted: Int
    public var duplicates: Int
    /// The rounds that were newly stored (for listeners such as alerting). Not part of equality, hashing or the
    /// coded form: an outcome is its counts.
    public var acceptedRounds: [ProbeRound]
    /// Rounds not stored because the store holds their identity (probe, store, sequence) with other content.
    /// Not part of equality either.
    public var conflictingRounds: [ProbeRound]

    public init(
        accepted: Int, duplicates: Int, acceptedRounds: [ProbeRound] = [], conflictingRounds: [ProbeRound] = []
    ) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.acceptedRounds = acceptedRounds
        self.conflictingRounds = conflictingRounds
    }

    enum CodingKeys: String, CodingKey {
        case accepted
        case duplicates
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            accepted: try container.decode(Int.self, forKey: .accepted),
            duplicates: try container.decode(Int.self, forKey: .duplicates))
    }

    public static func == (lhs: IngestOutcome, rhs: IngestOutcome) -> Bool {
        lhs.accepted == rhs.accepted && lhs.duplicates == rhs.duplicates
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.accepted)
        hasher.combine(self.duplicates)
    }
}
