import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Sends what the outbox holds: due notifications, retries with backoff, dead letters after the deadline.
///
/// At-least-once with a stable id: a notification is marked delivered only after its receiver accepted it, so a
/// crash in between sends it again after the restart with the same `webhook-id` (the receiver's idempotency key);
/// nothing is lost and receivers that honour the id see each notification once. A `Service`: `run()` loops until
/// cancelled or shut down gracefully. swift-metrics counters, by `receiver`:
/// `netmon_alert_notifications_delivered_total`, `netmon_alert_notification_retries_total`,
/// `netmon_alert_notifications_dead_lettered_total` (the dead-letter table itself is counted by
/// ``AlertStore/deadLetterCount()``, which survives restarts).
public actor DeliveryWorker: Service {
    /// The outbox.
    public nonisolated let store: AlertStore
    private let senders: [String: any NotificationSender]
    private let policy: RetryPolicy
    private let now: @Sendable () -> Date
    private let pollInterval: Double
    private let logger: Logger
    private var inFlight: Set<String> = []

    /// Creates a worker sending to `senders` by receiver name.
    public init(
        store: AlertStore, senders: [String: any NotificationSender], policy: RetryPolicy = RetryPolicy(),
        pollInterval: Double = 1, now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "netmon.alerting.delivery")
    ) {
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
        let receiver = [("receiver", entry.notification.receiver)]
        guard let error else {
            try await self.store.markDelivered(id: id, attempts: attempts, at: now)
            Counter(label: "netmon_alert_notifications_delivered_total", dimensions: receiver).increment()
            self.logger.debug("delivered", metadata: ["id": "\(id)", "attempts": "\(attempts)"])
            return
        }
        switch self.policy.decision(after: attempts, error: error, createdAt: entry.notification.createdAt, now: now) {
        case .retry(let next):
            try await self.store.reschedule(id: id, attempts: attempts, next: next, error: error.description)
            Counter(label: "netmon_alert_notification_retries_total", dimensions: receiver).increment()
            self.logger.info(
                "delivery failed, will retry",
                metadata: ["id": "\(id)", "receiver": "\(entry.notification.receiver)", "error": "\(error)"])
        case .giveUp:
            try await self.store.deadLetter(id: id, attempts: attempts, error: error.description, at: now)
            Counter(label: "netmon_alert_notifications_dead_lettered_total", dimensions: receiver).increment()
            self.logger.error(
                "delivery given up (dead letter)",
                metadata: ["id": "\(id)", "receiver": "\(entry.notification.receiver)", "error": "\(error)"])
        }
    }
}
