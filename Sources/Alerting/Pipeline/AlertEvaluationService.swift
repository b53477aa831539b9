import Foundation
import Logging
import ServiceLifecycle

/// Ticks an ``AlertProcessor`` periodically (evaluate, route, flush, commit) until shut down.
///
/// A swift-service-lifecycle `Service`, to run beside ``DeliveryWorker`` and ``AlertmanagerResender`` in the
/// server's `ServiceGroup`. A failed tick (the store is busy or full) is logged and retried at the next interval:
/// nothing is half-written, because each tick commits in one transaction. On graceful shutdown it ticks once more
/// and returns normally.
public struct AlertEvaluationService: Service {
    let processor: AlertProcessor
    let interval: Double
    let now: @Sendable () -> Date
    let logger: Logger

    /// Creates the service; `interval` in seconds (default 10 s, well under `group_wait`).
    public init(
        processor: AlertProcessor, interval: Double = 10, now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "netmon.alerting.evaluation")
    ) {
        self.processor = processor
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let sent = try await self.processor.tick(at: self.now())
                    if !sent.isEmpty {
                        self.logger.info("notifications enqueued", metadata: ["count": "\(sent.count)"])
                    }
                } catch {
                    self.logger.error("alert evaluation failed", metadata: ["error": "\(error)"])
                }
                // Cancelled (graceful shutdown): leave the loop and return normally, not with an error.
                guard (try? await Task.sleep(for: .seconds(self.interval))) != nil else { break }
            }
            // One last evaluation commits what was ingested since the previous tick (in the server, the HTTP
            // server has stopped taking ingest by now); its notifications wait in the outbox for the next start.
            do {
                try await self.processor.tick(at: self.now())
            } catch {
                self.logger.error("last alert evaluation failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
