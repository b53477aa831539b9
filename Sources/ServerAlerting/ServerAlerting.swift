import Alerting
import Foundation
import Logging
import MeasurementStore
import NetmonMetrics
import NetmonServer
import ServiceLifecycle
import SiteCatalog

/// Alerting as it runs inside `netmon serve`: the alert store, the processor fed by every accepted ingest, and the
/// evaluation, delivery, Alertmanager re-send and retention services for the server's `ServiceGroup`.
///
/// Build it from the loaded sites.yaml, pass ``api`` to `buildApplication` as both the alert source and an ingest
/// listener, and ``services`` as extra services: they start with the server and stop after it on graceful
/// shutdown (the HTTP server stops taking ingest first, then the evaluation commits its last tick).
public struct ServerAlerting: Sendable {
    /// Intervals, retention and clock.
    public struct Options: Sendable {
        /// The SQLite file of alert state, silences and the outbox.
        public var storePath: String
        /// Seconds between evaluations (default 10, well under a typical `group_wait`).
        public var evaluationInterval: Double
        /// Seconds the delivery worker sleeps when the outbox has nothing due (default 1).
        public var deliveryPollInterval: Double
        /// Seconds between re-sends of firing alerts to Alertmanager receivers (default 60, as Prometheus).
        public var alertmanagerResendInterval: Double
        /// What the store keeps, and how often it is cleaned (seconds, default one hour).
        public var retention: AlertRetention
        public var retentionInterval: Double
        /// Retries and the 24 h dead-letter deadline.
        public var retryPolicy: RetryPolicy
        /// Shown as `externalURL` in Alertmanager-format webhooks.
        public var externalURL: String
        /// The clock.
        public var now: @Sendable () -> Date

        public init(
            storePath: String, evaluationInterval: Double = 10, deliveryPollInterval: Double = 1,
            alertmanagerResendInterval: Double = 60, retention: AlertRetention = AlertRetention(),
            retentionInterval: Double = 3600, retryPolicy: RetryPolicy = RetryPolicy(), externalURL: String = "",
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.storePath = storePath
            self.evaluationInterval = evaluationInterval
            self.deliveryPollInterval = deliveryPollInterval
            self.alertmanagerResendInterval = alertmanagerResendInterval
            self.retention = retention
            self.retentionInterval = retentionInterval
            self.retryPolicy = retryPolicy
            self.externalURL = externalURL
            self.now = now
        }
    }

    /// Receivers, routes and rules from sites.yaml.
    public let configuration: AlertingConfiguration
    /// The alert store (shared by every part).
    public let store: AlertStore
    /// The processor the ingest feeds.
    public let processor: AlertProcessor
    /// The server's view: `/api/v1/alerts`, `/api/v1/silences`, and the ingest listener.
    public let api: AlertingAPI
    /// Evaluation, delivery, Alertmanager re-send (one per Alertmanager receiver) and retention.
    public let services: [any Service]

    /// Opens the store (restoring the last committed state) and builds the services; HTTP receivers post through
    /// `http` (the caller runs it, or shuts it down, after these services), and delivery counts in `metrics`, the
    /// process's registry (the one given to `buildApplication`, so that `/metrics` shows it).
    ///
    /// Throws a ``DeliveryError`` when the configuration is inconsistent (a route naming an unknown receiver), a
    /// secret file cannot be read, or the store cannot be opened.
    ///
    /// With `replicas` (the PostgreSQL leader lease of `netmon serve` on a shared PostgreSQL), the store is
    /// ``PostgresAlertStore`` in that database (`options.storePath` is not used), ingested inputs are queued there,
    /// and evaluation, delivery, Alertmanager re-sending and retention run only while this replica leads; a new
    /// term first reloads the state the previous leader committed.
    public init(
        sites: SitesConfig, options: Options, http: DeliveryHTTPClient,
        metrics: PrometheusMetrics = PrometheusMetrics(),
        logger: Logger = Logger(label: "netmon.alerting"), replicas: PostgresLeaderLease? = nil
    ) async throws(DeliveryError) {
        let configuration = try AlertingConfiguration(sites: sites, externalURL: options.externalURL)
        let problems = configuration.problems()
        guard problems.isEmpty else {
            throw DeliveryError(
                code: .invalidConfiguration, message: problems.joined(separator: "; "), context: "alerts")
        }
        let store: AlertStore
        if let replicas {
            store = AlertStore(
                engine: PostgresAlertStore(
                    store: replicas.store, lease: replicas, logger: logger.with(label: "store")))
        } else {
            store = try await AlertStore(path: options.storePath)
        }
        let processor = try await AlertProcessor(
            store: store, rules: configuration.rules, route: configuration.route,
            receiversWithoutResolved: configuration.receiversWithoutResolved,
            deliveryTargets: configuration.deliveryTargets, startedAt: options.now(), restore: replicas == nil)
        let senders = try configuration.makeSenders(http: http)
        var services: [any Service] = [
            AlertEvaluationService(
                processor: processor, interval: options.evaluationInterval, now: options.now,
                logger: logger.with(label: "evaluation")),
            DeliveryWorker(
                store: store, senders: senders, policy: options.retryPolicy,
                pollInterval: options.deliveryPollInterval, now: options.now, metrics: metrics,
                logger: logger.with(label: "delivery")),
        ]
        for name in configuration.route.receiverNames.sorted() {
            for target in configuration.targets(of: name) {
                guard case .alertmanager(let url) = try configuration.receiver(named: target).kind else { continue }
                services.append(
                    AlertmanagerResender(
                        store: store, route: configuration.route, receiver: name,
                        sender: try AlertmanagerPushSender(
                            url: url, validFor: 4 * options.alertmanagerResendInterval, http: http),
                        interval: options.alertmanagerResendInterval,
                        logger: logger.with(label: "alertmanager")))
            }
        }
        services.append(
            AlertRetentionService(
                store: store, retention: options.retention, interval: options.retentionInterval, now: options.now,
                logger: logger.with(label: "retention")))
        if let replicas {
            let now = options.now
            let gated = logger.with(label: "leader")
            var gatedServices: [any Service] = []
            for (index, service) in services.enumerated() {
                // The evaluation (first) continues from the state the previous leader committed.
                let reloads = index == 0
                let wrapped = LeaderOnlyService(
                    service, name: String(describing: type(of: service)), leadership: replicas.leadership,
                    onTerm: {
                        if reloads { try await processor.reload(at: now()) }
                    },
                    logger: gated)
                gatedServices.append(wrapped)
            }
            services = gatedServices
        }
        self.configuration = configuration
        self.store = store
        self.processor = processor
        self.api = AlertingAPI(processor: processor, logger: logger)
        self.services = services
    }
}

extension Logger {
    /// A copy whose label ends in `.suffix`.
    func with(label suffix: String) -> Logger {
        var logger = Logger(label: "\(self.label).\(suffix)")
        logger.logLevel = self.logLevel
        return logger
    }
}
