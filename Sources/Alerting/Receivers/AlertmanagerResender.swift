import Foundation
import Logging
import ServiceLifecycle

/// Re-sends every firing alert routed to an Alertmanager receiver periodically, as Prometheus does, so that
/// Alertmanager does not resolve them by timeout. Best effort: a failed round is simply repeated next interval
/// (new firing alerts and resolutions go through the outbox and are never lost).
public struct AlertmanagerResender: Service {
    let store: AlertStore
    let route: Route
    let receiver: String
    let sender: AlertmanagerPushSender
    let interval: Double
    let logger: Logger

    /// Creates a resender for the receiver named `receiver`.
    public init(
        store: AlertStore, route: Route, receiver: String, sender: AlertmanagerPushSender, interval: Double = 60,
        logger: Logger = Logger(label: "netmon.alerting.alertmanager")
    ) {
        self.store = store
        self.route = route
        self.receiver = receiver
        self.sender = sender
        self.interval = interval
        self.logger = logger
    }

    /// The firing alerts this receiver should hold now.
    public func firingAlerts(now: Date = Date()) async throws(DeliveryError) -> [Alert] {
        try await self.store.alerts(AlertQuery(states: [.firing]), now: now)
            .filter { record in self.route.match(record.labels).contains { $0.receiver == self.receiver } }
            .map { Alert(labels: $0.labels, annotations: $0.annotations, startsAt: $0.startsAt ?? $0.since) }
    }

    /// Pushes the firing alerts once.
    public func resendOnce() async throws(DeliveryError) {
        try await self.sender.push(try await self.firingAlerts())
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.resendOnce()
                } catch {
                    self.logger.warning("re-sending firing alerts failed", metadata: ["error": "\(error)"])
                }
                // Cancelled (graceful shutdown): leave the loop and return normally, not with an error.
                guard (try? await Task.sleep(for: .seconds(self.interval))) != nil else { break }
            }
        }
    }
}
