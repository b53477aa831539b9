import CoverageModel
import Foundation
import Logging
import MeasurementStore
import NetmonMetrics
import Prometheus
import ServiceLifecycle
import Synchronization

/// Recomputes coverage inside the server: reads the merged per-cell aggregates of the stored signal reports
/// (complete uploads; see ``ProvinceStore/coverageCellAggregates()``), runs the coverage model over the communes'
/// boundaries, stores the snapshots the API and GeoJSON routes serve (in one transaction),
/// and tells the listeners.
///
/// A `Service`: it waits until the store is migrated, computes once at start-up if reports exist, then again after
/// each request (an upload), debounced: requests arriving while it waits or computes are served by one more
/// computation, never by one each. The analysis runs on a thread of its own.
///
/// Singleton work: with replicas on one PostgreSQL only the leader computes. An upload received by another
/// replica reaches it through the store: the leader polls the uploads (each one's id, state and accepted rows, so a
/// gateway's growing upload counts too) every `uploadPoll` and recomputes when they changed (or when its term
/// began), so coverage follows an upload or a gateway's reports on any replica within the poll interval plus the
/// debounce. A change the leader's own computation has already read (the upload it received itself) is not
/// computed a second time.
public final class CoverageRecomputation: Service, Sendable {
    /// What the last computation did (for `/api/v1/coverage/status` and tests).
    public struct Status: Sendable, Hashable {
        /// Completed computations since start (failed ones included).
        public var generation = 0
        /// Failed computations since start.
        public var failures = 0
        public var lastComputedAt: Date?
        public var lastReports = 0
        /// Of `lastReports`, those from gateway modems (device `gateway:<code>`).
        public var lastGatewayReports = 0
        public var lastDurationSeconds: Double?
        public var lastError: String?
        /// Requests received since start.
        public var requested = 0
        /// Requests served by the last computation started (pending while below `requested`).
        public var handledRequests = 0
        /// The uploads as the last computation started read them (``uploadsSeen(_:)``); nil after a failure.
        var computedUploads: [String]?
    }

    /// The uploads as the poll compares them: id, state and accepted rows of each.
    static func uploadsSeen(_ uploads: [ReportUpload]) -> [String] {
        uploads.map { "\($0.id) \($0.state) \($0.rowsAccepted)" }
    }

    private let store: any ProvinceStore
    private let settings: CoverageSettings
    private let boundaries: [CommuneBoundary]
    private let listeners: [any CoverageListener]
    private let debounce: Duration
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    private let ready: AsyncStream<Void>
    private let readyContinuation: AsyncStream<Void>.Continuation
    private let state = Mutex(Status())
    /// The communes' cells, computed on first use.
    private let grid = Mutex<CommuneGrid?>(nil)
    private let leadership: Leadership
    private let uploadPoll: Duration
    /// Reports read per page from the store when aggregates are made from them.
    static let pageSize = 20_000

    public init(
        store: any ProvinceStore, settings: CoverageSettings, boundaries: [CommuneBoundary],
        listeners: [any CoverageListener] = [], debounce: Duration = .seconds(2),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "netmon.coverage"),
        leadership: Leadership = Leadership(), uploadPoll: Duration = .seconds(2)
    ) {
        self.leadership = leadership
        self.uploadPoll = uploadPoll
        self.store = store
        self.settings = settings
        self.boundaries = boundaries
        self.listeners = listeners
        self.debounce = debounce
        self.now = now
        self.logger = logger
        (self.wake, self.wakeContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        (self.ready, self.readyContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        store.keepCoverageAggregates(CellAggregation(settings: settings))
    }

    /// The status of the last computation.
    public var status: Status { state.withLock { $0 } }

    /// Sets the recomputation's series for a scrape of the server's `/metrics`.
    func export(to metrics: PrometheusMetrics) {
        let s = status
        let recomputations = MetricNameDescriptor.named(
            "netmon_server_coverage_recomputations_total", help: "Coverage recomputations, by result.")
        metrics.setCounter(recomputations, labels: [("result", "ok")], total: s.generation - s.failures)
        metrics.setCounter(recomputations, labels: [("result", "error")], total: s.failures)
        metrics.setGauge(
            .named("netmon_server_coverage_reports", help: "Signal reports in the last coverage recomputation."),
            value: Double(s.lastReports))
        if let at = s.lastComputedAt, let seconds = s.lastDurationSeconds {
            metrics.setGauge(
                .named(
                    "netmon_server_coverage_last_recomputation_timestamp_seconds",
                    help: "Unix time of the last coverage recomputation."), value: at.timeIntervalSince1970)
            metrics.setGauge(
                .named(
                    "netmon_server_coverage_recomputation_duration_seconds",
                    help: "How long the last coverage recomputation took."), value: seconds)
        }
    }

    /// Asks for a recomputation (after an upload). Returns at once.
    public func requestRecomputation() {
        state.withLock { $0.requested += 1 }
        wakeContinuation.yield()
    }

    /// Lets `run()` start reading the store (called once migrations are applied).
    func storeIsReady() {
        readyContinuation.yield()
        readyContinuation.finish()
    }

    public func run() async throws {
        for await _ in ready.cancelOnGracefulShutdown() { break }
        guard !Task.isCancelled else { return }
        if !leadership.isShared {
            state.withLock { $0.handledRequests = $0.requested }
            if (try? await store.signalReportCount()) ?? 0 > 0 {
                await computeAndLog()
            }
        }
        await withTaskGroup(of: Void.self) { group in
            if leadership.isShared { group.addTask { await self.pollUploads() } }
            group.addTask {
                for await _ in self.wake.cancelOnGracefulShutdown() {
                    try? await Task.sleep(for: self.debounce)
                    if Task.isCancelled { break }
                    // Not the leader: the requests stay pending; the leader sees the uploads through its poll.
                    let leads = self.leadership.isLeader
                    let due = self.state.withLock { s in
                        guard leads, s.requested > s.handledRequests else { return false }
                        s.handledRequests = s.requested
                        return true
                    }
                    if due { await self.computeAndLog() }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// The leader's poll of the complete uploads (replicas only): asks for a recomputation when they changed, or
    /// when a term begins with uploads stored.
    private func pollUploads() async {
        var seen: (token: Int64, uploads: [String])?
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: uploadPoll)) != nil else { return }
            guard let term = leadership.term else {
                seen = nil
                continue
            }
            guard let uploads = try? await Self.uploadsSeen(store.reportUploads()) else { continue }
            if let seen, seen.token == term.token, seen.uploads == uploads { continue }
            // Already read by a computation of this replica (started after the upload reached it): nothing new.
            let computed = state.withLock { $0.computedUploads }
            if (seen != nil || !uploads.isEmpty) && computed != uploads { requestRecomputation() }
            seen = (term.token, uploads)
        }
    }

    private func computeAndLog() async {
        let started = ContinuousClock.now
        // Read before the aggregates: whatever the poll finds equal to this afterwards is in this computation.
        let uploads = try? await Self.uploadsSeen(store.reportUploads())
        state.withLock { $0.computedUploads = uploads }
        do {
            let (update, gatewayReports) = try await computeCounting()
            let seconds = Self.seconds(ContinuousClock.now - started)
            state.withLock {
                $0.generation += 1
                $0.lastComputedAt = update.computedAt
                $0.lastReports = update.reports
                $0.lastGatewayReports = gatewayReports
                $0.lastDurationSeconds = seconds
                $0.lastError = nil
            }
            logger.info(
                "coverage recomputed",
                metadata: [
                    "reports": "\(update.reports)", "dead_zones": "\(update.deadZones)",
                    "seconds": "\(String(format: "%.2f", seconds))",
                ])
            for listener in listeners { await listener.coverageUpdated(update) }
        } catch {
            state.withLock {
                $0.generation += 1
                $0.failures += 1
                $0.lastError = "\(error)"
                $0.computedUploads = nil
            }
            logger.error("coverage recomputation failed: \(error)")
        }
    }

    /// One computation: store's merged cell aggregates → analysis → snapshots (saved together) → update.
    func compute() async throws -> CoverageUpdate {
        try await computeCounting().update
    }

    /// ``compute()``, also counting the reports that came from gateway modems.
    ///
    /// Reads the merged per-cell aggregates the store keeps beside the reports (``CellAggregates``), not the reports:
    /// the cost follows the cells, not the store. Aggregates that are stale or missing (the first start on a store
    /// made before them, another aggregation in sites.yaml, reports written by a server keeping none) are first
    /// made from the stored reports, one upload at a time in pages of `pageSize`.
    func computeCounting() async throws -> (update: CoverageUpdate, gatewayReports: Int) {
        var aggregates: CellAggregates?
        for _ in 0..<3 where aggregates == nil {
            let started = ContinuousClock.now
            let backfill = try await store.backfillCoverageAggregates(pageSize: Self.pageSize)
            if backfill.rebuilt || backfill.uploads > 0 {
                logger.info(
                    "coverage aggregates made from stored reports",
                    metadata: [
                        "rebuilt": "\(backfill.rebuilt)", "uploads": "\(backfill.uploads)",
                        "reports": "\(backfill.reports)", "page": "\(Self.pageSize)",
                        "seconds": "\(String(format: "%.2f", Self.seconds(ContinuousClock.now - started)))",
                    ])
            }
            aggregates = try await store.coverageCellAggregates()
        }
        guard let aggregates else {
            throw StoreError(
                .statement, "the stored coverage aggregates did not settle (reports kept arriving without them)",
                context: "coverage recomputation")
        }
        let cachedGrid = grid.withLock { $0 }
        let settings = self.settings
        let boundaries = self.boundaries
        let computedAt = now()
        let reportCount = aggregates.reportCount
        let gateways = GatewayCells(resolution: settings.resolution, counts: aggregates.gatewayRows)
        let (snapshots, update, freshGrid, history) = try await WorkerThread.run("netmon-coverage") {
            let grid = cachedGrid ?? CommuneGrid(communes: boundaries, resolution: settings.resolution)
            let result = CoverageAnalysis.analyze(aggregates, settings: settings, grid: grid)
            var snapshots =
                try CoverageSnapshots.make(
                    result, boundaries: grid.communes, reports: reportCount, createdAt: computedAt)
                + CoverageSnapshots.operatorLayers(result, boundaries: grid.communes, createdAt: computedAt)
            for i in snapshots.indices where snapshots[i].kind == CoverageSnapshots.cells {
                snapshots[i].json = gateways.mark(snapshots[i].json)
            }
            return (
                snapshots, CoverageSnapshots.update(result, reports: reportCount, computedAt: computedAt), grid,
                CoverageHistoryPoints.make(result, reports: reportCount, computedAt: computedAt)
            )
        }
        if cachedGrid == nil { grid.withLock { $0 = freshGrid } }
        try await store.saveCoverageSnapshots(snapshots)
        try await store.appendCoverageHistory(history, now: computedAt)
        return (update, gateways.total)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
