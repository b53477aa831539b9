import Foundation
import Logging
import MeasurementStore

/// What every route handler shares: configuration, store, boundaries, tokens, limits and metrics.
final class ServerState: Sendable {
    let configuration: ServerConfiguration
    let store: any ProvinceStore
    let boundaries: CommuneBoundaries
    let tokens: TokenRegistry
    let limiter: RateLimiter
    let metrics: ServerMetrics
    let logger: Logger
    /// Communes by GSO code.
    let communesByCode: [String: ServerCommune]
    /// Commune code by probe id.
    let communeByProbe: [String: String]
    let alerts: (any AlertSource)?

    init(
        configuration: ServerConfiguration, store: any ProvinceStore, boundaries: CommuneBoundaries,
        tokens: [StoredToken], alerts: (any AlertSource)?, logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.boundaries = boundaries
        self.tokens = TokenRegistry(tokens: tokens, anonymousRole: configuration.anonymousRole)
        self.limiter = RateLimiter(limit: configuration.rateLimit)
        self.metrics = ServerMetrics()
        self.logger = logger
        self.communesByCode = Dictionary(configuration.communes.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        self.communeByProbe = Dictionary(
            configuration.communes.map { ($0.probeID, $0.code) }, uniquingKeysWith: { a, _ in a })
        self.alerts = alerts
    }

    /// The current health of every commune.
    func healthBoard() async throws -> HealthBoard {
        async let latest = store.latestRounds()
        async let probes = store.probes()
        return HealthBoard(configuration: configuration, latest: try await latest, probes: try await probes)
    }
}

/// Where `GET /api/v1/alerts` reads from: the alerting module plugs in here when it runs inside the server.
public protocol AlertSource: Sendable {
    /// Active alerts and silences as JSON (an object with `alerts` and `silences` arrays).
    func alertsJSON() async throws -> String
}
