import Foundation

/// What a bearer token may do.
public enum TokenRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// A gateway probe: may ingest rounds for its own probe id only.
    case probe
    /// Read-only access to the API and dashboard.
    case viewer
    /// Everything a viewer may do, plus managing tokens, silences and uploads.
    case admin
}

/// An API token as stored: never the secret itself, only its SHA-256 hash.
public struct StoredToken: Sendable, Hashable {
    /// Unique name (for a probe token, conventionally the probe id).
    public var name: String
    public var role: TokenRole
    /// For `.probe` tokens: the probe id the token may ingest for.
    public var probeID: String?
    /// SHA-256 of the token's UTF-8 bytes.
    public var hash: TokenHash
    public var createdAt: Date

    public init(name: String, role: TokenRole, probeID: String?, hash: TokenHash, createdAt: Date) {
        self.name = name
        self.role = role
        self.probeID = probeID
        self.hash = hash
        self.createdAt = createdAt
    }
}
