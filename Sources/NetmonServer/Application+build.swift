import CoverageModel
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import MeasurementStore
import NIOCore
import NIOSSL
import NetmonMetrics
import ServiceLifecycle

/// A token to install at start-up (from the CLI's tokens file). The secret is hashed before it is stored.
public struct TokenGrant: Sendable {
    public var name: String
    public var role: TokenRole
    public var probeID: String?
    public var secret: String

    public init(name: String, role: TokenRole, probeID: String?, secret: String) {
        self.name = name
        self.role = role
        self.probeID = probeID
        self.secret = secret
    }
}

/// PEM files for HTTPS.
public struct TLSFiles: Sendable {
    public var certificateChainPath: String
    public var privateKeyPath: String

    public init(certificateChainPath: String, privateKeyPath: String) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
    }
}

/// Runs the store's connections for as long as the application runs.
struct StoreService: Service {
    let store: any ProvinceStore
    func run() async throws {
        try await cancelWhenGracefulShutdown { try await store.run() }
    }
}

/// Builds the provincial server: a Hummingbird `Application` (a `Service`) with the store as a service,
/// migrations and start-up tokens applied before it listens.
///
/// - Parameters:
///   - configuration: communes, thresholds, limits and roles.
///   - store: the province store (not yet migrated).
///   - host/port: where to listen (port 0 picks a free one).
///   - tls: certificate and key for HTTPS; nil for plain HTTP.
///   - tokens: tokens to install (hashed) before serving; a probe token must name a commune's probe id, and a
///     token deleted through the API is not installed again (see ``StartupTokens``).
///   - revokeUnknownProbeTokens: delete stored probe tokens whose probe id no commune has, instead of refusing
///     to start.
///   - alerts: the alerting module's view, served at `/api/v1/alerts` and `/api/v1/silences`.
///   - ingestListeners: told about the rounds of every ingest after the store committed them.
///   - services: more services to run for as long as the server runs (alerting's evaluation and delivery); they
///     start with the server and stop after it on graceful shutdown.
///   - coverageListeners: told after each coverage recomputation (e.g. alerting's coverage rules).
///   - metrics: the process's Prometheus registry, rendered by `/metrics` (alerting's delivery counts in it too).
///   - leaderLease: with replicas on one PostgreSQL, the lease that says which one does the singleton work
///     (coverage recomputation here; alerting wraps its own services in ``LeaderOnlyService``). It runs as a
///     service, tokens are re-read every `tokenRefresh`, and only unfinished uploads started more than six hours
///     ago are discarded at start (a newer one may be another replica's). nil: one server, always the leader.
public func buildApplication(
    configuration: ServerConfiguration,
    store: any ProvinceStore,
    host: String = "127.0.0.1",
    port: Int = 8080,
    tls: TLSFiles? = nil,
    tokens: [TokenGrant] = [],
    revokeUnknownProbeTokens: Bool = false,
    alerts: (any AlertSource)? = nil,
    ingestListeners: [any IngestListener] = [],
    services: [any Service] = [],
    coverageListeners: [any CoverageListener] = [],
    metrics: PrometheusMetrics = PrometheusMetrics(),
    logger: Logger = Logger(label: "netmon.server"),
    leaderLease: PostgresLeaderLease? = nil,
    tokenRefresh: Duration = .seconds(2),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let startupTokens = StartupTokens(
        grants: tokens, knownProbes: Set(configuration.communes.map(\.probeID)),
        revokeUnknown: revokeUnknownProbeTokens, logger: logger)
    let unknownGrants = startupTokens.unknownProbeGrants()
    guard unknownGrants.isEmpty else {
        throw ServerSetupError(
            "the tokens file has probe token(s) for "
                + unknownGrants.map { "'\($0.probeID ?? "")'" }.joined(separator: ", ")
                + ", which no commune in sites.yaml has as probe_id; fix the probe id or remove the line")
    }
    let boundaries =
        try configuration.boundariesPath.map {
            try CommuneBoundaries.load(path: $0, read: configuration.boundaryCommunes)
        }
        ?? .empty
    let leadership = leaderLease?.leadership ?? Leadership()
    let leaseService = leaderLease.map { LeaderLeaseService(lease: $0) }
    // Coverage runs inside the server when there are boundaries to compute it over.
    let coverage: CoverageRecomputation? = configuration.boundariesPath.map { _ in
        CoverageRecomputation(
            store: store, settings: configuration.coverageSettings, boundaries: boundaries.communes,
            listeners: coverageListeners,
            debounce: configuration.coverageDebounce, now: configuration.now,
            logger: Logger(label: "netmon.coverage"), leadership: leadership)
    }
    // Partitions ahead, retention: singleton work of the leader.
    let retention = RoundRetentionService(
        store: store, retention: configuration.roundRetention, now: configuration.now,
        logger: Logger(label: "netmon.retention"))
    let state = ServerState(
        configuration: configuration, store: store, boundaries: boundaries, tokens: [], alerts: alerts,
        ingestListeners: ingestListeners, coverage: coverage, metrics: metrics, logger: logger,
        leadership: leadership)
    let boundaryNames = Dictionary(boundaries.communes.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
    for placement in state.misplacedGateways.values.sorted(by: { $0.commune < $1.commune }) {
        logger.warning(
            "\(placement.message(names: boundaryNames))",
            metadata: ["commune": "\(placement.commune)", "within": "\(placement.within ?? "none")"])
    }
    let router = buildRouter(state: state)

    let limits = configuration.connectionLimits
    let connections = state.connections
    let http1 = HTTPServerBuilder.http1(
        configuration: HTTP1Channel.Configuration(
            additionalChannelHandlers: [connections.handler()], idleTimeout: TimeAmount(limits.idleTimeout)))
    let server: HTTPServerBuilder
    if let tls {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainPath).map {
                NIOSSLCertificateSource.certificate($0)
            }
            let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
            var tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain, privateKey: .privateKey(key))
            // TLS 1.0 and 1.1 are deprecated (RFC 8996); every client of ours speaks 1.2 or 1.3.
            tlsConfiguration.minimumTLSVersion = .tlsv12
            server = try .tls(http1, tlsConfiguration: tlsConfiguration)
        } catch {
            throw ServerSetupError(
                "cannot use TLS certificate '\(tls.certificateChainPath)' / key '\(tls.privateKeyPath)': \(error)")
        }
    } else {
        server = http1
    }
    var app = Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(host, port: port), serverName: "netmon"),
        services: [StoreService(store: store)]
            + (leaseService.map { [$0, TokenRefresh(state: state, interval: tokenRefresh)] } ?? [])
            + (coverage.map { [$0] } ?? [])
            + [LeaderOnlyService(retention, name: "round retention", leadership: leadership)] + services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: logger)
    app.beforeServerStarts {
        try await store.migrate()
        state.tokens.replace(with: try await startupTokens.install(into: store, now: configuration.now()))
        let leftovers = try UploadSpool.removeLeftovers(under: configuration.uploadDirectory)
        if leftovers > 0 { logger.warning("removed \(leftovers) spooled upload files of an earlier run") }
        // Replicas: only uploads started more than six hours ago (far longer than the largest upload takes);
        // a newer one may be another replica's, still arriving.
        let discarded =
            if let shared = leaderLease?.store {
                try await shared.discardIncompleteReportUploads(
                    startedBefore: configuration.now().addingTimeInterval(-6 * 3600))
            } else {
                try await store.discardIncompleteReportUploads()
            }
        if discarded > 0 { logger.warning("removed \(discarded) unfinished signal report uploads") }
        coverage?.storeIsReady()
        retention.storeIsReady()
        leaseService?.storeIsReady()
    }
    return app
}

/// The router with every route; exposed to tests through ``buildApplication``.
func buildRouter(state: ServerState) -> Router<ServerRequestContext> {
    let router = Router(context: ServerRequestContext.self)
    router.add(middleware: ServerMiddleware(state: state))
    router.get("/healthz") { _, _ in
        _ = try await state.store.tokens()
        return try Responses.json(["status": "ok"])
    }
    router.get("/metrics") { request, _ in
        if !state.configuration.anonymousMetrics {
            let principal = try state.tokens.authorize(request, needing: .viewer)
            try RequestGuards.rateLimit(state, principal)
        }
        return Responses.text(try await state.metrics.scrape(state), contentType: PrometheusMetrics.contentType)
    }
    IngestRoutes(state: state).register(on: router)
    SignalIngestRoutes(state: state).register(on: router)
    APIRoutes(state: state).register(on: router)
    CallQualityRoutes(state: state).register(on: router)
    GeoJSONRoutes(state: state).register(on: router)
    CoverageOperatorRoutes(state: state).register(on: router)
    CoverageHistoryRoutes(state: state).register(on: router)
    AlertRoutes(state: state).register(on: router)
    ReportRoutes(state: state).register(on: router)
    DashboardRoutes(state: state).register(on: router)
    return router
}
