import Foundation
import Logging
import MeasurementStore
import NetmonMetrics

/// What every route handler shares: configuration, store, boundaries, tokens, limits and metrics.
final class ServerState: Sendable {
    let configuration: ServerConfiguration
    let store: any ProvinceStore
    let boundaries: CommuneBoundaries
    let tokens: TokenRegistry
    let limiter: RateLimiter
    /// Open connections, capped.
    let connections: ConnectionLimiter
    let metrics: ServerMetrics
    let logger: Logger
    /// Communes by GSO code.
    let communesByCode: [String: ServerCommune]
    /// Commune code by probe id.
    let communeByProbe: [String: String]
    let alerts: (any AlertSource)?
    /// Told about accepted rounds after each ingest commit (alerting, and whatever else plugs in).
    let ingestListeners: [any IngestListener]
    /// Coverage recomputation; nil when no boundaries are configured (coverage needs the communes' shapes).
    let coverage: CoverageRecomputation?
    /// Whether this replica does the singleton work (always, for one server).
    let leadership: Leadership
    /// Gateways whose sites.yaml `location` is outside their own commune, by commune code.
    let misplacedGateways: [String: GatewayPlacement]
    /// Split GeoJSON snapshots for bbox queries.
    let snapshotIndex = SnapshotFeatureIndex()

    init(
        configuration: ServerConfiguration, store: any ProvinceStore, boundaries: CommuneBoundaries,
        tokens: [StoredToken], alerts: (any AlertSource)?, ingestListeners: [any IngestListener] = [],
        coverage: CoverageRecomputation? = nil, metrics: PrometheusMetrics,
        logger: Logger, leadership: Leadership = Leadership()
    ) {
        self.leadership = leadership
        self.configuration = configuration
        self.store = store
        self.boundaries = boundaries
        self.tokens = TokenRegistry(tokens: tokens, anonymousRole: configuration.anonymousRole)
        self.limiter = RateLimiter(limit: configuration.rateLimit, maxBuckets: configuration.rateLimit.maxBuckets)
        self.connections = ConnectionLimiter(maxConnections: configuration.connectionLimits.maxConnections)
        self.metrics = ServerMetrics(prometheus: metrics)
        self.logger = logger
        self.communesByCode = Dictionary(configuration.communes.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        self.communeByProbe = Dictionary(
            configuration.communes.map { ($0.probeID, $0.code) }, uniquingKeysWith: { a, _ in a })
        self.alerts = alerts
        self.ingestListeners = ingestListeners
        self.coverage = coverage
        self.misplacedGateways = Dictionary(
            GatewayPlacement.misplaced(configuration.communes, boundaries: boundaries.communes).map {
                ($0.commune, $0)
            },
            uniquingKeysWith: { a, _ in a })
    }

    /// The current health of every commune.
    func healthBoard() async throws -> HealthBoard {
        async let latest = store.latestRounds()
        async let probes = store.probes()
        return HealthBoard(configuration: configuration, latest: try await latest, probes: try await probes)
    }
}
