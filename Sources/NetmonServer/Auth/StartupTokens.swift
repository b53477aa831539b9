import Foundation
import Logging
import MeasurementStore

/// Installs the tokens file's tokens at start-up and checks every token the server will accept.
///
/// - A probe token must name the probe id of a commune in sites.yaml: a token for an unknown probe could otherwise
///   write rounds that the dashboard and alerts believe. Unknown ones in the file stop start-up; unknown stored ones
///   (created through the API for a commune since removed from sites.yaml) stop it too, unless `revokeUnknown`,
///   which deletes them (and records them as revoked).
/// - A token deleted through the API is revoked for good: the file's copy is skipped with a warning instead of
///   bringing it back at every restart.
struct StartupTokens {
    let grants: [TokenGrant]
    let knownProbes: Set<String>
    let revokeUnknown: Bool
    let logger: Logger

    /// Probe ids that no commune in sites.yaml has, among the grants (checked before anything is written).
    func unknownProbeGrants() -> [TokenGrant] {
        grants.filter { $0.role == .probe && !knownProbes.contains($0.probeID ?? "") }
    }

    /// Saves the grants that were not revoked, then checks the stored tokens; returns the tokens to accept.
    func install(into store: any ProvinceStore, now: Date) async throws -> [StoredToken] {
        for grant in grants {
            let hash = TokenHash(token: grant.secret)
            if try await store.isRevoked(hash) {
                logger.warning(
                    "token from the tokens file was deleted through the API and stays revoked; remove it from the file",
                    metadata: ["name": "\(grant.name)", "role": "\(grant.role.rawValue)"])
                continue
            }
            try await store.saveToken(
                StoredToken(name: grant.name, role: grant.role, probeID: grant.probeID, hash: hash, createdAt: now))
        }
        var tokens = try await store.tokens()
        let unknown = tokens.filter { $0.role == .probe && !knownProbes.contains($0.probeID ?? "") }
        guard !unknown.isEmpty else { return tokens }
        let names = unknown.map { "'\($0.name)' (probe \($0.probeID ?? "none"))" }.joined(separator: ", ")
        guard revokeUnknown else {
            throw ServerSetupError(
                "stored probe token(s) \(names) name no commune's probe_id in sites.yaml; add the probe to sites.yaml, "
                    + "or start once with --revoke-unknown-probe-tokens to delete them")
        }
        for token in unknown {
            _ = try await store.deleteToken(name: token.name, at: now)
            logger.warning("revoked a probe token for a probe not in sites.yaml", metadata: ["name": "\(token.name)"])
        }
        tokens = try await store.tokens()
        return tokens
    }
}
