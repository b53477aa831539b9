import Foundation
import HTTPTypes
import Hummingbird
import MeasurementStore
import Synchronization

/// Who made a request.
public struct Principal: Sendable, Hashable {
    /// Token name, or "anonymous".
    public var name: String
    public var role: TokenRole
    /// For probe tokens, the probe id they may ingest for.
    public var probeID: String?
    /// True for a request without a token (served with the anonymous role); such requests are rate-limited by
    /// client address, not by this name.
    public var isAnonymous: Bool = false

    /// Whether this principal may do what `needed` may do (admin ⊇ viewer; probe is separate).
    func satisfies(_ needed: TokenRole) -> Bool {
        switch needed {
        case .probe: role == .probe
        case .viewer: role == .viewer || role == .admin
        case .admin: role == .admin
        }
    }
}

/// The tokens the server accepts, kept in memory by SHA-256 hash and reloaded from the store when they change.
final class TokenRegistry: Sendable {
    private let byHash: Mutex<[TokenHash: StoredToken]>
    let anonymousRole: TokenRole?

    init(tokens: [StoredToken], anonymousRole: TokenRole?) {
        self.byHash = Mutex(Dictionary(tokens.map { ($0.hash, $0) }, uniquingKeysWith: { _, b in b }))
        self.anonymousRole = anonymousRole
    }

    func replace(with tokens: [StoredToken]) {
        byHash.withLock { $0 = Dictionary(tokens.map { ($0.hash, $0) }, uniquingKeysWith: { _, b in b }) }
    }

    /// Resolves the request's `Authorization: Bearer` token; throws 401 when it is missing (and anonymous access
    /// is off), malformed or unknown, and 403 when the role does not allow `needed`.
    func authorize(_ request: Request, needing needed: TokenRole) throws -> Principal {
        let principal = try identify(request, anonymousAllowed: needed != .probe)
        guard principal.satisfies(needed) else {
            throw HTTPError(
                .forbidden,
                message:
                    "this endpoint needs the \(needed.rawValue) role; token '\(principal.name)' has \(principal.role.rawValue)"
            )
        }
        return principal
    }

    func identify(_ request: Request, anonymousAllowed: Bool) throws -> Principal {
        guard let header = request.headers[.authorization] else {
            if anonymousAllowed, let role = anonymousRole {
                return Principal(name: "anonymous", role: role, probeID: nil, isAnonymous: true)
            }
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"netmon\""],
                message: "missing Authorization: Bearer <token> header")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"netmon\""],
                message: "Authorization header must be 'Bearer <token>'")
        }
        let presented = TokenHash(token: String(parts[1]))
        let stored = byHash.withLock { $0[presented] }
        // The dictionary finds the candidate by hash; the final check compares digests in constant time.
        guard let stored, stored.hash.constantTimeEquals(presented) else {
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"netmon\", error=\"invalid_token\""],
                message: "unknown token")
        }
        return Principal(name: stored.name, role: stored.role, probeID: stored.probeID)
    }
}
