import Foundation
import Logging
import NetMonitor
import NetmonProtocol
import NetworkAddress
import ServiceLifecycle
import Synchronization

/// The daemon's passive capture as a swift-service-lifecycle `Service`: a `LiveCapture` (libpcap polled on a
/// thread of its own, never on the cooperative pool) whose step-long summaries become passive rounds, stored and
/// forwarded like active rounds, with `netmon_capture_drops_total` from `pcap_stats`.
///
/// The capture opens at start (problems are logged at once) and its summaries are aligned to the step grid: the
/// capture thread starts at a step boundary and reports every step length after it. On graceful shutdown the
/// capture stops, its last (partial) step is stored, and `run()` returns. When the capture cannot open (no
/// CAP_NET_RAW, no such interface, bad filter) the error is logged and the service waits for shutdown: active
/// probing goes on without it.
public final class PassiveCaptureService: Service {
    private let site: AgentSite
    private let capture: AgentCapture
    private let store: GatewayStore
    private let metrics: MetricsRegistry?
    private let logger: Logger
    private let onStored: @Sendable ([ProbeRound]) -> Void
    private let stopping = Atomic<Bool>(false)

    /// - Parameter onStored: called with each step's passive rounds once they are durably stored.
    public init(
        site: AgentSite, capture: AgentCapture, store: GatewayStore, metrics: MetricsRegistry? = nil,
        logger: Logger = Logger(label: "netmon.capture"),
        onStored: @escaping @Sendable ([ProbeRound]) -> Void = { _ in }
    ) {
        self.site = site
        self.capture = capture
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.onStored = onStored
    }

    /// The engine's options for this capture: summaries every step, the remote sites as the site map, the ICMP
    /// wait from the probe timeout, packets handed over in batches at most 100 ms late (a gateway's capture thread
    /// then wakes ~10 times per second instead of once per packet).
    public static func options(for capture: AgentCapture, schedule: ProbeSchedule) -> LiveCaptureOptions {
        let pairs = capture.remoteSites.map { (network: $0.prefix, site: $0.name) }
        return LiveCaptureOptions(
            interface: capture.interface, snapshotLength: capture.snapshotLength, bufferSize: capture.bufferBytes,
            filter: capture.filter, promiscuous: false,
            reportInterval: .milliseconds(Int64((schedule.stepSeconds * 1000).rounded())),
            analyzer: AnalyzerConfiguration(
                maximumFlows: 10_000, flowIdleTimeout: .seconds(300),
                icmpTimeout: .milliseconds(Int64((schedule.timeoutSeconds * 1000).rounded())), sites: SiteMap(pairs)),
            deliveryDelay: .milliseconds(100))
    }

    public func run() async throws {
        let options = Self.options(for: capture, schedule: site.schedule)
        // Opened once now so that a problem shows at start-up, then closed: an open handle that nobody reads
        // until the step boundary would fill its ring and count drops.
        if let trial = open(options) {
            for warning in trial.warnings {
                logger.warning(
                    "passive capture", metadata: ["interface": "\(capture.interface)", "warning": "\(warning)"])
            }
        } else {
            try? await gracefulShutdown()
            return
        }
        metrics?.setCaptureDrops(0, interface: capture.interface)
        let step = site.schedule.stepSeconds
        let now = Date()
        let boundary = RoundPlan.stepStart(containing: now, stepSeconds: step).addingTimeInterval(step)
        let waited: Void? = try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: .seconds(boundary.timeIntervalSince(now)))
        }
        if waited == nil || Task.isShuttingDownGracefully { return }
        guard let live = open(options) else {
            try? await gracefulShutdown()
            return
        }
        logger.info(
            "passive capture running",
            metadata: [
                "interface": "\(capture.interface)", "link_type": "\(live.linkType)",
                "filter": "\(capture.filter ?? "")", "sites": "\(capture.remoteSites.count)",
            ])
        let events = live.events()
        try await withGracefulShutdownHandler {
            do {
                for try await event in events {
                    switch event {
                    case .interval(let report):
                        await self.handle(report)
                    case .final(let report):
                        self.updateDrops(report)
                    }
                }
            } catch {
                logger.error(
                    "passive capture failed; active probing goes on without it",
                    metadata: ["interface": "\(capture.interface)", "error": "\(error)"])
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .releasing)
            live.stop()
        }
        logger.info("passive capture stopped", metadata: ["interface": "\(capture.interface)"])
    }

    /// Opens the capture, or logs why it cannot (active probing goes on).
    private func open(_ options: LiveCaptureOptions) -> LiveCapture? {
        do {
            return try LiveCapture(options: options)
        } catch {
            logger.error(
                "passive capture cannot start; active probing goes on without it",
                metadata: ["interface": "\(capture.interface)", "code": "\(error.code)", "error": "\(error.message)"])
            return nil
        }
    }

    /// Stores one summary's rounds under the step it covers: a step-long summary arrives just after its step ends;
    /// the last one, after a stop, covers the beginning of the current step.
    private func handle(_ report: CaptureReport) async {
        updateDrops(report)
        let step = site.schedule.stepSeconds
        let now = Date()
        let reference = stopping.load(ordering: .acquiring) ? now : now.addingTimeInterval(-step / 2)
        let start = RoundPlan.stepStart(containing: reference, stepSeconds: step)
        let measurements = PassiveRounds.measurements(
            report: report, commune: site.commune, sites: capture.remoteSites, start: start, stepSeconds: step)
        guard !measurements.isEmpty else { return }
        do {
            let rounds = try await store.record(measurements, probeID: site.probeID)
            for round in rounds { metrics?.observe(round) }
            logger.debug(
                "passive step stored", metadata: ["rounds": "\(rounds.count)", "packets": "\(report.packets)"])
            onStored(rounds)
        } catch {
            metrics?.addStoreError()
            logger.error("cannot store the step's passive rounds", metadata: ["error": "\(error)"])
        }
    }

    private func updateDrops(_ report: CaptureReport) {
        guard let drops = report.totalDrops else { return }
        metrics?.setCaptureDrops(Int(clamping: drops.dropped), interface: capture.interface)
        if let interval = report.drops, interval.dropped > 0 {
            logger.warning(
                "the kernel dropped packets before the capture read them",
                metadata: ["interface": "\(capture.interface)", "dropped": "\(interval.dropped)"])
        }
    }
}
