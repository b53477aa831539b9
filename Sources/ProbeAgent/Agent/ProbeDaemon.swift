import Foundation
import Logging
import ServiceLifecycle

/// Everything `netmon probe` needs to run, resolved from the command line and sites.yaml.
public struct ProbeDaemonOptions: Sendable {
    public var site: AgentSite
    /// The SQLite file (under systemd: `$STATE_DIRECTORY/netmon-probe.sqlite`).
    public var databasePath: String
    public var retention: RetentionPolicy
    /// Where to forward; nil keeps rounds in the outbox only.
    public var forwarder: ForwarderConfiguration?
    /// Host and port of `/metrics`; nil disables the endpoint.
    public var metricsHost: String?
    public var metricsPort: Int
    /// Version string for `netmon_build_info`.
    public var version: String
    /// Stop after this many steps (nil: run until signalled).
    public var maxSteps: Int?
    /// Give back start-up pages once running, and hourly (`WorkingSetTrimmer`).
    public var trimsWorkingSet: Bool

    public init(
        site: AgentSite, databasePath: String, retention: RetentionPolicy = .standard,
        forwarder: ForwarderConfiguration? = nil, metricsHost: String? = "127.0.0.1", metricsPort: Int = 9109,
        version: String, maxSteps: Int? = nil, trimsWorkingSet: Bool = true
    ) {
        self.site = site
        self.databasePath = databasePath
        self.retention = retention
        self.forwarder = forwarder
        self.metricsHost = metricsHost
        self.metricsPort = metricsPort
        self.version = version
        self.maxSteps = maxSteps
        self.trimsWorkingSet = trimsWorkingSet
    }
}

/// The gateway daemon: scheduler, store maintenance, forwarder, `/metrics` and SIGHUP reload as one
/// `ServiceGroup`. SIGTERM/SIGINT shut it down gracefully in reverse order: the scheduler finishes and stores its
/// round, then the forwarder sends what it can within its drain time, then the endpoint closes.
public struct ProbeDaemon: Sendable {
    public let options: ProbeDaemonOptions
    public let store: GatewayStore
    public let metrics: MetricsRegistry

    public init(options: ProbeDaemonOptions, logger: Logger) throws(GatewayStoreError) {
        self.options = options
        self.store = try GatewayStore(path: options.databasePath, retention: options.retention, logger: logger)
        self.metrics = MetricsRegistry(commune: options.site.commune, version: options.version)
    }

    /// Runs until SIGTERM/SIGINT (or `maxSteps`).
    ///
    /// - Parameters:
    ///   - reload: reads sites.yaml again for SIGHUP; throws the `netmon check` message when invalid.
    ///   - onMetricsBound: told the endpoint's port once it listens.
    public func run(
        prober: any RoundProber, logger: Logger, reload: (@Sendable () throws -> AgentSite)? = nil,
        onMetricsBound: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let site = options.site
        var forwarder: Forwarder?
        if let configuration = options.forwarder {
            forwarder = Forwarder(
                store: store, probeID: site.probeID, configuration: configuration, metrics: metrics,
                logger: logger.with(label: "forwarder"))
        }
        let notify = forwarder
        let scheduler = RoundScheduler(
            site: site, store: store, prober: prober, metrics: metrics, maxSteps: options.maxSteps,
            logger: logger.with(label: "scheduler")
        ) { _ in notify?.notifyNewRounds() }

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let host = options.metricsHost {
            let app = MetricsEndpoint.makeApplication(
                registry: metrics, host: host, port: options.metricsPort,
                staleAfter: .seconds(max(180, 3 * site.schedule.stepSeconds)), onBound: onMetricsBound,
                logger: logger.with(label: "metrics"))
            services.append(.init(service: app, successTerminationBehavior: .gracefullyShutdownGroup))
        }
        services.append(
            .init(
                service: StoreMaintenance(store: store, metrics: metrics, logger: logger.with(label: "store")),
                successTerminationBehavior: .gracefullyShutdownGroup))
        if let forwarder {
            services.append(.init(service: forwarder, successTerminationBehavior: .gracefullyShutdownGroup))
        }
        if let capture = site.capture {
            let service = PassiveCaptureService(
                site: site, capture: capture, store: store, metrics: metrics, logger: logger.with(label: "capture")
            ) { _ in notify?.notifyNewRounds() }
            services.append(.init(service: service, successTerminationBehavior: .ignore))
        }
        var signalMonitor: SignalMonitor?
        if let signal = site.signal {
            var signalForwarder: Forwarder?
            if let configuration = options.forwarder {
                let forwarder = Forwarder(
                    store: store, probeID: site.probeID, configuration: configuration, metrics: metrics, kind: .signal,
                    logger: logger.with(label: "signal-forwarder"))
                services.append(.init(service: forwarder, successTerminationBehavior: .gracefullyShutdownGroup))
                signalForwarder = forwarder
            }
            let notifySignal = signalForwarder
            let monitor = SignalMonitor(
                probeID: site.probeID, commune: site.commune, signal: signal, store: store, metrics: metrics,
                logger: logger.with(label: "signal")
            ) { _ in notifySignal?.notifyNewRounds() }
            services.append(.init(service: monitor, successTerminationBehavior: .gracefullyShutdownGroup))
            signalMonitor = monitor
        }
        if let reload {
            let monitor = signalMonitor
            let reloadLogger = logger.with(label: "reload")
            let reloader = ConfigReloader(
                scheduler: scheduler, logger: reloadLogger,
                onReloaded: { new in
                    if let monitor {
                        monitor.update(new.signal)
                    } else if new.signal != nil {
                        // The signal outbox's forwarder and the monitor are set up at start.
                        reloadLogger.warning(
                            "SIGHUP: a signal block was added; the signal monitor starts when the daemon restarts")
                    }
                }, load: reload)
            services.append(.init(service: reloader, successTerminationBehavior: .gracefullyShutdownGroup))
        }
        if options.trimsWorkingSet {
            services.append(
                .init(
                    service: WorkingSetTrimmer(
                        stepSeconds: site.schedule.stepSeconds, logger: logger.with(label: "memory")),
                    successTerminationBehavior: .gracefullyShutdownGroup))
        }
        services.append(.init(service: scheduler, successTerminationBehavior: .gracefullyShutdownGroup))

        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(site.schedule.stepSeconds + 30)
        let group = ServiceGroup(configuration: configuration)
        logger.info(
            "probe daemon starting",
            metadata: [
                "probe_id": "\(site.probeID)", "commune": "\(site.commune)", "targets": "\(site.targets.count)",
                "database": "\(options.databasePath)",
            ])
        try await group.run()
        logger.info("probe daemon stopped")
    }
}

extension Logger {
    /// A logger for a part of the daemon, keeping the handler and level.
    func with(label part: String) -> Logger {
        var logger = self
        logger[metadataKey: "part"] = "\(part)"
        return logger
    }
}
