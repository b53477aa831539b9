import Foundation
import Logging
import MeasurementStore
import ServiceLifecycle
import Synchronization

/// The leader's round upkeep (run inside a ``LeaderOnlyService``): once the store is migrated and then every
/// `interval`, ``ProvinceStore/maintainRounds(now:retention:)`` — day partitions made a week ahead and expired
/// ones dropped on PostgreSQL, expired rows deleted on SQLite, expired rollups deleted on both. A failed pass is
/// logged and tried again at the next one.
public struct RoundRetentionService: Service {
    let store: any ProvinceStore
    let retention: RoundRetention
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger
    private let readiness = Readiness()

    /// Set once the store is migrated; read at every term's start (the service runs again at each term).
    private final class Readiness: Sendable {
        let flag = Mutex(false)
    }

    public init(
        store: any ProvinceStore, retention: RoundRetention, interval: Duration = .seconds(3600),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "netmon.retention")
    ) {
        self.store = store
        self.retention = retention
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    /// Lets `run()` start (called once migrations are applied).
    public func storeIsReady() {
        readiness.flag.withLock { $0 = true }
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !self.readiness.flag.withLock({ $0 }) {
                try await Task.sleep(for: .milliseconds(200))
            }
            while !Task.isCancelled {
                await self.pass()
                try await Task.sleep(for: self.interval)
            }
        }
    }

    /// One pass; returns its report (nil when it failed).
    @discardableResult
    func pass() async -> RoundMaintenanceReport? {
        do {
            let report = try await store.maintainRounds(now: now(), retention: retention)
            logger.info(
                "round retention pass",
                metadata: [
                    "partitions_created": "\(report.partitionsCreated.joined(separator: ","))",
                    "partitions_dropped": "\(report.partitionsDropped.joined(separator: ","))",
                    "rounds_deleted": "\(report.roundsDeleted)", "directions_deleted": "\(report.directionsDeleted)",
                    "rows_moved": "\(report.rowsMoved)",
                    "rollups_deleted": "\(report.rollupsDeleted)",
                ])
            return report
        } catch {
            logger.error("round retention pass failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
