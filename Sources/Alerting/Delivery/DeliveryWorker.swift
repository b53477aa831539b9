import Foundation
import Logging
import NetmonMetrics
import Prometheus
import ServiceLifecycle

/// Sends what the outbox holds: due notifications, retries with backoff, dead letters after the deadline.
///
/// At-least-once with a stable id: a notification is marked delivered only after its receiver accepted it, so a
/// crash in between sends it again after the restart with the same `webhook-id` (the receiver's idempotency key);
/// nothing is lost and receivers that honour the id see each notification once. A `Service`: `run()` loops until
/// cancelled or shut down gracefully. Counts in the process's Prometheus registry, by `receiver`:
/// `netmon_alert_notifications_delivered_total` and `netmon_alert_notification_retries_total`, every configured
/// receiver at zero from the start. Dead letters are counted by the store (``AlertStore/deadLetterCount()``,
/// which survives restarts) and exposed by the server as `netmon_alert_notifications_dead_lettered_total`.
public actor DeliveryWorker: Service {
    /// The outbox.
    public nonisolated let store: AlertStore
    private let senders: [String: any NotificationSender]
    private let policy: RetryPolicy
    private let now: @Sendable () -> Date
    private let pollInterval: Double
    private let logger: Logger
    private var inFlight: Set<String> = []
    private let registry: PrometheusCollectorRegistry

    static var delivered: MetricNameDescriptor {
        .named("netmon_alert_notifications_delivered_total", help: "Notifications a receiver accepted, by receiver.")
    }
    static var retries: MetricNameDescriptor {
        .named(
            "netmon_alert_notification_retries_total",
            help: "Failed delivery attempts that will be retried, by receiver."
        )
    }

    /// Creates a worker sending to `senders` by receiver name, counting in `metrics` (the process's registry).
    public init(
        store: AlertStore, senders: [String: any NotificationSender], policy: RetryPolicy = RetryPolicy(),
        pollInterval: Double = 1, now: @escaping @Sendable () -> Date = { Date() },
        metrics: PrometheusMetrics = PrometheusMetrics(), logger: Logger = Logger(label: "netmon.alerting.delivery")
    ) {
        self.registry = metrics.registry
        for receiver in senders.keys {
            _ = Self.counter(Self.delivered, receiver: receiver, in: metrics.registry)
            _ = Self.counter(Self.retries, receiver: receiver, in: metrics.registry)
        }
        self.store = store
        self.senders = senders
        self.policy = policy
        self.pollInterval = pollInterval
        self.now = now
        self.logger = logger
    }

    /// Delivers until cancelled or until graceful shutdown.
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let sent = (try? await self.deliverDue()) ?? 0
                if sent == 0 {
                    // Cancelled (graceful shutdown): leave the loop and return normally, not with an error.
                    guard (try? await Task.sleep(for: .seconds(self.pollInterval))) != nil else { break }
                }
            }
        }
    }

    /// One pass: attempts every due notification concurrently and records the outcomes. Returns how many were
    /// attempted.
    @discardableResult
    public func deliverDue() async throws(DeliveryError) -> Int {
        let due = try await self.store.due(at: self.now()).filter { !self.inFlight.contains($0.notification.id) }
        guard !due.isEmpty else { return 0 }
        for entry in due { self.inFlight.insert(entry.notification.id) }
        defer { for entry in due { self.inFlight.remove(entry.notification.id) } }
        let outcomes = await withTaskGroup(of: (NotificationOutboxEntry, DeliveryError?).self) { group in
            for entry in due {
                let sender = self.senders[entry.notification.receiver]
                let timeout = self.policy.attemptTimeout
                group.addTask {
                    guard let sender else {
                        return (
                            entry,
                            DeliveryError(
                                code: .unknownReceiver, message: "no receiver of this name is configured",
                                context: entry.notification.receiver)
                        )
                    }
                    do throws(DeliveryError) {
                        try await sender.send(entry.notification, timeout: timeout)
                        return (entry, nil)
                    } catch {
                        return (entry, error)
                    }
                }
            }
            var results: [(NotificationOutboxEntry, DeliveryError?)] = []
            for await result in group { results.append(result) }
            return results
        }
        for (entry, error) in outcomes {
            try await self.record(entry, error: error)
        }
        return due.count
    }

    private func record(_ entry: NotificationOutboxEntry, error: DeliveryError?) async throws(DeliveryError) {
        let attempts = entry.attempts + 1
        let now = self.now()
        let id = entry.notification.id
        let receiver = entry.notification.receiver
        guard let error else {
            try await self.store.markDelivered(id: id, attempts: attempts, at: now)
            Self.counter(Self.delivered, receiver: receiver, in: self.registry).increment()
            self.logger.debug("delivered", metadata: ["id": "\(id)", "attempts": "\(attempts)"])
            return
        }
        switch self.policy.decision(after: attempts, error: error, createdAt: entry.notification.createdAt, now: now) {
        case .retry(let next):
            try await self.store.reschedule(id: id, attempts: attempts, next: next, error: error.description)
            Self.counter(Self.retries, receiver: receiver, in: self.registry).increment()
            self.logger.info(
                "delivery failed, will retry",
                metadata: ["id": "\(id)", "receiver": "\(entry.notification.receiver)", "error": "\(error)"])
        case .giveUp:
            try await self.store.deadLetter(id: id, attempts: attempts, error: error.description, at: now)
            self.logger.error(
                "delivery given up (dead letter)",
                metadata: ["id": "\(id)", "receiver": "\(entry.notification.receiver)", "error": "\(error)"])
        }
    }

    private static func counter(
        _ family: MetricNameDescriptor, receiver: String, in registry: PrometheusCollectorRegistry
    ) -> Counter {
        registry.makeCounter(descriptor: family, labels: [("receiver", receiver)])
    }
}
