/// What an ingest did: how many rounds were new and how many were already stored (or repeated in the batch).
public struct IngestOutcome: Sendable, Hashable, Codable {
    public var accepted: Int
    public var duplicates: Int

    public init(accepted: Int, duplicates: Int) {
        self.accepted = accepted
        self.duplicates = duplicates
    }
}
