import Foundation

/// A coverage result computed by the coverage model (e.g. commune figures or dead zones as GeoJSON), kept whole.
public struct CoverageSnapshot: Sendable, Hashable {
    /// What the snapshot holds, e.g. `communes`, `dead-zones`, `cells`, `summary`.
    public var kind: String
    public var createdAt: Date
    /// UTF-8 JSON text.
    public var json: String

    public init(kind: String, createdAt: Date, json: String) {
        self.kind = kind
        self.createdAt = createdAt
        self.json = json
    }
}
