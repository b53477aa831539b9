import Foundation
import Logging
import ServiceLifecycle

/// Applies retention at start-up and then every `interval`, keeping the database bounded.
public struct StoreMaintenance: Service {
    let store: GatewayStore
    let interval: Duration
    let metrics: MetricsRegistry?
    let logger: Logger

    public init(
        store: GatewayStore, interval: Duration = .seconds(3600), metrics: MetricsRegistry? = nil,
        logger: Logger = Logger(label: "netmon.store")
    ) {
        self.store = store
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let report = try await store.applyRetention()
                if report != GatewayStore.RetentionReport() {
                    logger.info(
                        "retention applied",
                        metadata: [
                            "raw_rounds": "\(report.rawRounds)", "rollups_5m": "\(report.fiveMinuteRollups)",
                            "rollups_1h": "\(report.hourlyRollups)", "raw_over_size": "\(report.rawRoundsOverSize)",
                        ])
                }
                metrics?.setOutbox(pending: try await store.pendingCount(), dropped: try await store.droppedCount())
            } catch {
                logger.error("retention failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }
}
