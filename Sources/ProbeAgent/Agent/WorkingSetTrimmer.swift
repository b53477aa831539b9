import Logging
import ServiceLifecycle

/// Keeps the daemon's resident set to what it runs in the steady state (see `WorkingSetTrim`): once start-up is
/// over, again after the first full step (the first rounds, the capture's opening, the first forwarding), and then
/// every `interval`, which also drops what the hourly work (rollups, retention) or a reload touched.
///
/// A trim is a few `madvise` calls and one read of `/proc/self/smaps`, about a millisecond; pages still in use
/// come back from the page cache on their next access.
public struct WorkingSetTrimmer: Service {
    /// Times after start of the first trims, in increasing order.
    let firstTrims: [Duration]
    let interval: Duration
    let logger: Logger
    let onTrim: @Sendable (WorkingSetTrim.Report) -> Void

    /// The daemon's schedule: 5 s after start, after the first two steps, then every `interval`.
    public init(stepSeconds: Double, interval: Duration = .seconds(3600), logger: Logger) {
        self.init(firstTrims: [.seconds(5), .seconds(2 * stepSeconds + 5)], interval: interval, logger: logger)
    }

    /// Any schedule; `onTrim` is told each trim's report.
    public init(
        firstTrims: [Duration], interval: Duration, logger: Logger,
        onTrim: @escaping @Sendable (WorkingSetTrim.Report) -> Void = { _ in }
    ) {
        self.firstTrims = firstTrims
        self.interval = interval
        self.logger = logger
        self.onTrim = onTrim
    }

    public func run() async throws {
        var elapsed = Duration.zero
        for at in firstTrims {
            guard await pause(at - elapsed) else { return }
            elapsed = at
            trim()
        }
        while await pause(interval) { trim() }
    }

    /// Sleeps; false once the daemon is shutting down.
    private func pause(_ duration: Duration) async -> Bool {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
        return !Task.isCancelled && !Task.isShuttingDownGracefully
    }

    private func trim() {
        let report = WorkingSetTrim.run()
        logger.debug(
            "working set trimmed",
            metadata: [
                "mappings": "\(report.mappings)", "released_kib": "\(report.releasedKiB)",
                "rss_before_kib": "\(report.residentBeforeKiB.map(String.init) ?? "?")",
                "rss_after_kib": "\(report.residentAfterKiB.map(String.init) ?? "?")",
            ])
        onTrim(report)
    }
}
