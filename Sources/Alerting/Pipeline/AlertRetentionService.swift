import Foundation
import Logging
import ServiceLifecycle

/// How long the alert store keeps what is finished.
public struct AlertRetention: Sendable, Hashable {
    /// Delivered notifications are deleted this many seconds after delivery (default 7 days). Pending ones are
    /// never deleted; dead letters are kept for the record.
    public var deliveredSeconds: Double
    /// Resolved alerts are deleted this many seconds after they resolved (default 30 days).
    public var resolvedSeconds: Double
    /// Silences are deleted this many seconds after they ended (default 30 days).
    public var silenceSeconds: Double

    public init(
        deliveredSeconds: Double = 7 * 86_400, resolvedSeconds: Double = 30 * 86_400,
        silenceSeconds: Double = 30 * 86_400
    ) {
        self.deliveredSeconds = deliveredSeconds
        self.resolvedSeconds = resolvedSeconds
        self.silenceSeconds = silenceSeconds
    }
}

/// Scheduled clean-up of the alert store: deletes delivered notifications, resolved alerts and ended silences
/// older than the ``AlertRetention``, once at start and then every `interval` seconds.
///
/// A swift-service-lifecycle `Service` beside ``AlertEvaluationService`` and ``DeliveryWorker``. Each deletion is
/// one statement (its own transaction): an interrupted clean-up leaves nothing half-done, and a failed one is
/// logged and tried again at the next interval.
public struct AlertRetentionService: Service {
    /// What one clean-up deleted.
    public struct Outcome: Sendable, Hashable {
        public var deliveredNotifications: Int
        public var resolvedAlerts: Int
        public var silences: Int
    }

    let store: AlertStore
    let retention: AlertRetention
    let interval: Double
    let now: @Sendable () -> Date
    let logger: Logger

    /// Creates the service; `interval` in seconds (default one hour).
    public init(
        store: AlertStore, retention: AlertRetention = AlertRetention(), interval: Double = 3600,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "netmon.alerting.retention")
    ) {
        self.store = store
        self.retention = retention
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    /// Deletes everything past its retention at `now`.
    @discardableResult
    public func cleanUp(at now: Date) async throws(DeliveryError) -> Outcome {
        Outcome(
            deliveredNotifications: try await self.store.pruneDelivered(
                before: now.addingTimeInterval(-self.retention.deliveredSeconds)),
            resolvedAlerts: try await self.store.pruneResolved(
                before: now.addingTimeInterval(-self.retention.resolvedSeconds)),
            silences: try await self.store.pruneSilences(
                endedBefore: now.addingTimeInterval(-self.retention.silenceSeconds)))
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let outcome = try await self.cleanUp(at: self.now())
                    if outcome != Outcome(deliveredNotifications: 0, resolvedAlerts: 0, silences: 0) {
                        self.logger.info(
                            "alert store cleaned up",
                            metadata: [
                                "delivered": "\(outcome.deliveredNotifications)",
                                "resolved": "\(outcome.resolvedAlerts)", "silences": "\(outcome.silences)",
                            ])
                    }
                } catch {
                    self.logger.error("alert store clean-up failed", metadata: ["error": "\(error)"])
                }
                // Cancelled (graceful shutdown): leave the loop and return normally, not with an error.
                guard (try? await Task.sleep(for: .seconds(self.interval))) != nil else { break }
            }
        }
    }
}
