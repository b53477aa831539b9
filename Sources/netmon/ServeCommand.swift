import Alerting
import ArgumentParser
import CoverageModel
import Foundation
import GatewayCommands
import Logging
import MeasurementStore
import NetmonMetrics
import NetmonServer
import ServerAlerting
import ServiceLifecycle
import SiteCatalog

extension Netmon {
    /// `netmon serve`: the provincial server (ingest, storage, API, GeoJSON, dashboard, /metrics).
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Run the provincial server: ingest, storage, API and dashboard."
        )

        @Option(name: .long, help: "The sites.yaml that lists the communes, targets and thresholds.")
        var config: String = "sites.yaml"

        @Option(
            name: .long,
            help:
                "Where to store measurements: sqlite:PATH (default sqlite:netmon.sqlite) or postgres://user@host[:port]/db[?sslmode=disable|prefer|require|verify-ca|verify-full&sslrootcert=FILE]. sslmode defaults to prefer on loopback or a unix socket, require elsewhere. Give the password with --database-password-file, PGPASSWORD or a pgpass file (PGPASSFILE), not in the URL."
        )
        var database: String = "sqlite:netmon.sqlite"

        @Option(
            name: .long,
            help:
                "A file whose first line is the PostgreSQL password (kept out of the command line and ps). Used when the --database URL has no password; PGPASSWORD and PGPASSFILE are the other ways."
        )
        var databasePasswordFile: String?

        @Option(name: .long, help: "Address and port to listen on, as HOST:PORT.")
        var listen: String = "127.0.0.1:8080"

        @Option(
            name: .long,
            help:
                "A file of tokens to install, one per line: 'probe PROBE_ID SECRET', 'viewer NAME SECRET' or 'admin NAME SECRET'. Only SHA-256 hashes are stored."
        )
        var tokens: String?

        @Option(name: .long, help: "PEM certificate chain for HTTPS (needs --tls-key).")
        var tlsCert: String?

        @Option(name: .long, help: "PEM private key for HTTPS (needs --tls-cert).")
        var tlsKey: String?

        @Flag(name: .long, help: "Let requests without a token read the API and dashboard (viewer role).")
        var publicDashboard = false

        @Option(name: .long, help: "Requests per second allowed per token (bursts up to 4 times this).")
        var rateLimit: Double = 50

        @Option(name: .long, help: "Largest accepted request body, in bytes.")
        var maxBodyBytes: Int = 4 << 20

        @Option(
            name: .long,
            help: "Largest accepted signal report upload (POST /api/v1/reports), in bytes; uploads are spooled to disk."
        )
        var maxUploadBytes: Int = 256 << 20

        @Option(
            name: .long,
            help:
                "Seconds a connection may be idle (no whole request head or body part, or nothing between requests) before it is closed; also bounds clients that send headers slowly."
        )
        var idleTimeout: Double = 30

        @Option(name: .long, help: "Most HTTP connections open at once; more are closed as soon as they are accepted.")
        var maxConnections: Int = 512

        @Flag(
            name: .long,
            help:
                "Serve /metrics without a token (by default a scrape needs a viewer or admin token, unless --public-dashboard)."
        )
        var publicMetrics = false

        @Option(name: .long, help: "Folder of Debian's libjs-leaflet, served to the dashboard.")
        var leaflet: String = "/usr/share/javascript/leaflet"

        @Flag(name: .customLong("no-alerts"), help: "Do not run alerting, even though sites.yaml has alert routes.")
        var noAlerts = false

        @Option(
            name: .long,
            help:
                "The alert store (SQLite): alert state, silences and the notification outbox. Default: netmon-alerts.sqlite beside the SQLite database. Not used with a postgres:// --database: alert state then lives in PostgreSQL, shared by every replica."
        )
        var alertsDatabase: String?

        @Option(name: .long, help: "Seconds between alert evaluations.")
        var alertsInterval: Double = 10

        @Option(
            name: .long,
            help:
                "With a postgres:// --database: seconds a replica's leader lease lasts. One replica at a time does alert evaluation and delivery, coverage recomputation and retention; if it dies, another takes over within the lease plus a third of it (20 s for 15)."
        )
        var leaderLease: Double = 15

        @Option(
            name: .long,
            help:
                "How far ahead of this server's clock a probe round may end (300s, 5m; bare numbers are seconds); rounds further ahead are rejected, so a gateway clock that jumped cannot pin a link's state."
        )
        var maxClockSkew: String = "5m"

        @Option(
            name: .long,
            help:
                "Days raw probe rounds are kept (at least 1). On PostgreSQL rounds live in one partition per UTC day and a whole day is dropped once it has expired; on SQLite rows are deleted. Series over 90 days, or reaching past this, read hourly rollups."
        )
        var rawRetentionDays: Double = 90

        @Option(
            name: .long,
            help: "Days the hourly rollups of probe rounds are kept (at least --raw-retention-days)."
        )
        var rollupRetentionDays: Double = 800

        @Flag(
            name: .long,
            help:
                "Delete stored probe tokens whose probe id no commune in sites.yaml has (otherwise the server refuses to start)."
        )
        var revokeUnknownProbeTokens = false

        func validate() throws {
            if (tlsCert == nil) != (tlsKey == nil) {
                throw ValidationError("--tls-cert and --tls-key go together.")
            }
            guard rateLimit.isFinite, rateLimit > 0 else { throw ValidationError("--rate-limit must be positive.") }
            guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024.") }
            guard alertsInterval >= 0.1, alertsInterval <= 3600 else {
                throw ValidationError("--alerts-interval must be between 0.1 and 3600 seconds.")
            }
            guard leaderLease.isFinite, leaderLease >= 1, leaderLease <= 600 else {
                throw ValidationError("--leader-lease must be between 1 and 600 seconds.")
            }
            guard maxUploadBytes >= 1024 else { throw ValidationError("--max-upload-bytes must be at least 1024.") }
            guard idleTimeout.isFinite, idleTimeout >= 0.1, idleTimeout <= 3600 else {
                throw ValidationError("--idle-timeout must be between 0.1 and 3600 seconds.")
            }
            guard maxConnections >= 1, maxConnections <= 1_000_000 else {
                throw ValidationError("--max-connections must be between 1 and 1000000.")
            }
            _ = try parseListen()
            _ = try clockSkewSeconds()
            _ = try roundRetention()
        }

        /// `--raw-retention-days` and `--rollup-retention-days`.
        func roundRetention() throws -> RoundRetention {
            guard rawRetentionDays.isFinite, rawRetentionDays >= 1, rawRetentionDays <= 36500 else {
                throw ValidationError("--raw-retention-days must be between 1 and 36500 (got \(rawRetentionDays)).")
            }
            guard rollupRetentionDays.isFinite, rollupRetentionDays >= rawRetentionDays, rollupRetentionDays <= 36500
            else {
                throw ValidationError(
                    "--rollup-retention-days must be between --raw-retention-days and 36500 (got \(rollupRetentionDays))."
                )
            }
            do {
                return try RoundRetention(
                    rawSeconds: rawRetentionDays * 86400, rollupSeconds: rollupRetentionDays * 86400)
            } catch {
                throw ValidationError("\(error)")
            }
        }

        func parseListen() throws -> (String, Int) {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                (0...65535).contains(port)
            else {
                throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got '\(listen)').")
            }
            var host = String(listen[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return (host.isEmpty ? "0.0.0.0" : host, port)
        }

        /// `--max-clock-skew` in seconds: 10 s to one day.
        func clockSkewSeconds() throws -> Double {
            guard let skew = DurationArgument(parsing: maxClockSkew, defaultUnitSeconds: 1), skew.seconds >= 10,
                skew.seconds <= 86400
            else {
                throw ValidationError(
                    "--max-clock-skew must be a duration from 10s to 24h, such as 300, 5m or 1h (got '\(maxClockSkew)')."
                )
            }
            return skew.seconds
        }

        func run() async throws {
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            let logger = Logger(label: "netmon.serve")
            let sites: SitesConfig
            let boundaryReading = BoundaryReading()
            do {
                sites = try SitesConfig.load(path: config, boundaries: boundaryReading.reader)
            } catch {
                FileHandle.standardError.write(
                    Data("netmon serve: \(error)\nRun `netmon check \(config)` for every problem.\n".utf8))
                throw ExitCode(2)
            }
            let grants = try tokens.map(Self.readTokens) ?? []
            if let tokens, SecretFile.isReadableByOthers(tokens) {
                logger.warning(
                    "the tokens file can be read by other users; make it private: chmod 600 \(tokens)",
                    metadata: ["file": "\(tokens)"])
            }
            let location: StoreLocation
            do {
                location = try StoreLocation(parsing: database, passwordFile: databasePasswordFile)
                if databasePasswordFile != nil, case .sqlite = location {
                    throw ValidationError("--database-password-file is for a postgres:// --database")
                }
            } catch let error as ValidationError {
                throw error
            } catch {
                throw ValidationError("\(error)")
            }
            let store = try location.open(
                logger: logger, postgresMigrations: noAlerts ? [] : PostgresAlertStore.migrations)
            // Replicas on one PostgreSQL: the lease says which one does the singleton work.
            let lease = (store as? PostgresProvinceStore).map {
                PostgresLeaderLease(store: $0, leaseSeconds: leaderLease, logger: Logger(label: "netmon.leader"))
            }
            let (host, port) = try parseListen()
            // The process's one Prometheus registry: the server's own metrics and alerting's delivery counters.
            let metrics = PrometheusMetrics()
            var alerting: ServerAlerting?
            // Alerting's one HTTP client for webhooks and Alertmanager, shut down after the server and its services.
            let http = noAlerts ? nil : DeliveryHTTPClient()
            if let http {
                let path = alertsDatabase ?? Self.defaultAlertsDatabase(location)
                do {
                    alerting = try await ServerAlerting(
                        sites: sites,
                        options: .init(storePath: path, evaluationInterval: alertsInterval), http: http,
                        metrics: metrics, logger: Logger(label: "netmon.alerting"), replicas: lease)
                } catch {
                    try? await http.shutdown()
                    FileHandle.standardError.write(
                        Data(
                            "netmon serve: alerting: \(error)\n(fix alerts in \(config), or start with --no-alerts)\n"
                                .utf8))
                    throw ExitCode(2)
                }
                logger.info(
                    "alerting on",
                    metadata: [
                        "store": "\(lease == nil ? path : "postgresql")",
                        "receivers": "\(alerting!.configuration.receivers.map(\.name))",
                    ])
            }
            var configuration = Self.serverConfiguration(
                sites, leaflet: leaflet, rateLimit: rateLimit, maxBodyBytes: maxBodyBytes,
                maxUploadBytes: maxUploadBytes, anonymous: publicDashboard ? .viewer : nil,
                maxClockSkewSeconds: try clockSkewSeconds())
            configuration.connectionLimits = ConnectionLimits(
                idleTimeout: .milliseconds(Int64((idleTimeout * 1000).rounded())), maxConnections: maxConnections)
            configuration.anonymousMetrics = publicMetrics
            configuration.roundRetention = try roundRetention()
            // The boundaries as sites.yaml's cross-check read them: the server does not read the file again.
            configuration.boundaryCommunes = sites.province.boundariesPath.flatMap {
                try? boundaryReading.communes(path: $0)
            }
            // Uploads are spooled beside a SQLite database (in a private folder), else under the temporary folder.
            if case .sqlite(let path) = location {
                configuration.uploadDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            }
            // A start-up failure shuts the delivery client down before the error ends the process.
            let app = try await Self.shuttingDown(http) {
                try buildApplication(
                    configuration: configuration,
                    store: store, host: host, port: port,
                    tls: tlsCert.map { TLSFiles(certificateChainPath: $0, privateKeyPath: tlsKey!) },
                    tokens: grants, revokeUnknownProbeTokens: revokeUnknownProbeTokens, alerts: alerting?.api,
                    ingestListeners: alerting.map { [$0.api] } ?? [],
                    services: alerting?.services ?? [], coverageListeners: alerting.map { [$0.api] } ?? [],
                    metrics: metrics, logger: logger, leaderLease: lease,
                    onServerRunning: { port in
                        logger.info("netmon serve listening on \(host):\(port) (\(tlsCert == nil ? "http" : "https"))")
                    })
            }
            // Shut down in reverse order: the server and its services first, then the delivery client.
            let services: [any Service] = (http.map { [$0] } ?? []) + [app]
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }

        /// Runs `body`; when it throws, shuts `http` down first (an AsyncHTTPClient must be shut down before it is
        /// released).
        static func shuttingDown<T>(_ http: DeliveryHTTPClient?, _ body: () throws -> T) async throws -> T {
            do {
                return try body()
            } catch {
                try? await http?.shutdown()
                throw error
            }
        }

        /// `netmon-alerts.sqlite` beside a SQLite database, or in the current folder.
        static func defaultAlertsDatabase(_ location: StoreLocation) -> String {
            guard case .sqlite(let path) = location else { return "netmon-alerts.sqlite" }
            return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("netmon-alerts.sqlite")
                .path
        }

        /// The server's view of sites.yaml.
        static func serverConfiguration(
            _ sites: SitesConfig, leaflet: String, rateLimit: Double, maxBodyBytes: Int,
            maxUploadBytes: Int = 256 << 20,
            anonymous: TokenRole?, maxClockSkewSeconds: Double = 300
        ) -> ServerConfiguration {
            let datacenter = sites.network.datacenter
            let passiveSites = ["hub", "datacenter"] + datacenter.services.map(\.name)
            let communes = sites.communes.map { c in
                ServerCommune(
                    code: c.code, name: c.name, probeID: c.probeID, gateway: c.gateway.description,
                    targets: sites.targets(for: c).map { t in
                        ServerTarget(
                            name: t.name, address: t.address.description,
                            latencyMs: .init(
                                warn: t.thresholds.latencyMs.warn, critical: t.thresholds.latencyMs.critical),
                            lossRatio: .init(
                                warn: t.thresholds.lossRatio.warn, critical: t.thresholds.lossRatio.critical),
                            kind: t.kind.wireName)
                    }, passiveSites: passiveSites,
                    gatewayLocation: sites.location(for: c).map { LatLng(lat: $0.lat, lng: $0.lon) })
            }
            return ServerConfiguration(
                provinceName: sites.province.name, communes: communes, boundariesPath: sites.province.boundariesPath,
                leafletDirectory: leaflet, maxBodyBytes: maxBodyBytes,
                rateLimit: RateLimit(requestsPerSecond: rateLimit, burst: rateLimit * 4), anonymousRole: anonymous,
                coverageSettings: CoveragePipeline.settings(sites.coverage), maxReportUploadBytes: maxUploadBytes,
                maxClockSkewSeconds: maxClockSkewSeconds, callQuality: sites.callQuality)
        }

        /// Reads `ROLE NAME SECRET` lines; `#` starts a comment.
        static func readTokens(path: String) throws -> [TokenGrant] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read tokens file '\(path)'.")
            }
            var out: [TokenGrant] = []
            for (i, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                if fields.isEmpty { continue }
                guard fields.count == 3, let role = TokenRole(rawValue: fields[0]), fields[2].count >= 16 else {
                    throw ValidationError(
                        "\(path):\(i + 1):1: expected 'probe|viewer|admin NAME SECRET' with a secret of at least 16 characters."
                    )
                }
                out.append(
                    TokenGrant(
                        name: fields[1], role: role, probeID: role == .probe ? fields[1] : nil, secret: fields[2]))
            }
            return out
        }
    }
}
