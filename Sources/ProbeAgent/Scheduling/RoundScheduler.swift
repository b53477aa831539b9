import Foundation
import Logging
import NetmonProtocol
import ServiceLifecycle
import Synchronization

/// Runs the site's rounds step after step, stores each step's rounds in one transaction, and announces them.
///
/// Steps are aligned to wall-clock multiples of the step length. On graceful shutdown a round in progress is
/// finished and stored before `run()` returns; a reload (`update(site:)`) takes effect at the next step.
public final class RoundScheduler: Service {
    private let store: GatewayStore
    private let prober: any RoundProber
    private let metrics: MetricsRegistry?
    private let onStored: @Sendable ([ProbeRound]) -> Void
    private let logger: Logger
    private let site: Mutex<AgentSite>
    private let maxSteps: Int?

    /// - Parameters:
    ///   - maxSteps: stop after this many steps (nil: run until shutdown).
    ///   - onStored: called with each step's rounds once they are durably stored.
    public init(
        site: AgentSite, store: GatewayStore, prober: any RoundProber, metrics: MetricsRegistry? = nil,
        maxSteps: Int? = nil, logger: Logger = Logger(label: "netmon.scheduler"),
        onStored: @escaping @Sendable ([ProbeRound]) -> Void = { _ in }
    ) {
        self.site = Mutex(site)
        self.store = store
        self.prober = prober
        self.metrics = metrics
        self.maxSteps = maxSteps
        self.logger = logger
        self.onStored = onStored
        for target in site.targets { metrics?.register(commune: site.commune, target: target.name) }
    }

    /// The site in force.
    public var currentSite: AgentSite { site.withLock { $0 } }

    /// Replaces targets and schedule from the next step on (the probe id must not change).
    public func update(site newSite: AgentSite) {
        site.withLock { $0 = newSite }
        for target in newSite.targets { metrics?.register(commune: newSite.commune, target: target.name) }
    }

    public func run() async throws {
        var steps = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let site = currentSite
            let step = site.schedule.stepSeconds
            let now = Date()
            let next = RoundPlan.stepStart(containing: now, stepSeconds: step).addingTimeInterval(step)
            // Wait for the next step boundary; a shutdown request while waiting ends the loop at once.
            let waited: Void? = try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .seconds(next.timeIntervalSince(now)))
            }
            if waited == nil || Task.isShuttingDownGracefully { break }
            // The round runs to its end even if shutdown is requested meanwhile. A failed write (disk full) loses
            // this step only — its rounds never got numbers, so no gap — and is logged, counted and seen in /healthz.
            _ = try? await runStep(site: site, start: next)
            steps += 1
            if let maxSteps, steps >= maxSteps { break }
        }
        logger.info("scheduler stopped", metadata: ["steps": "\(steps)"])
    }

    /// Runs one step of rounds for every target starting now, stores them and returns them as stored.
    @discardableResult
    public func runStep(site: AgentSite, start: Date) async throws -> [ProbeRound] {
        let plan = RoundPlan(schedule: site.schedule, targetCount: site.targets.count)
        var results: [TargetRound]
        do {
            // Not cancelled by a shutdown request: a started step finishes.
            results = try await prober.probeRound(site.targets, schedule: site.schedule, plan: plan)
        } catch {
            // Nothing went out (e.g. no permission for ICMP sockets): stored as rounds with nothing sent, so the
            // gap shows on the server too, and logged.
            logger.error("cannot probe this step", metadata: ["error": "\(error)"])
            results = []
        }
        if results.count != site.targets.count {
            results = Array(repeating: TargetRound(sent: 0, rttsInSendOrder: []), count: site.targets.count)
        }
        for (target, result) in zip(site.targets, results) {
            if let failure = result.failure {
                logger.error(
                    "cannot probe a target this step", metadata: ["target": "\(target.name)", "error": "\(failure)"])
            }
        }
        let measurements = zip(site.targets, results).map { target, result in
            RoundSummary.measurement(
                commune: site.commune, target: target, start: start, stepSeconds: site.schedule.stepSeconds,
                result: result)
        }
        do {
            let rounds = try await store.record(measurements, probeID: site.probeID)
            for round in rounds { metrics?.observe(round) }
            logger.debug(
                "step stored", metadata: ["rounds": "\(rounds.count)", "through": "\(rounds.last?.sequence ?? 0)"])
            onStored(rounds)
            return rounds
        } catch {
            metrics?.addStoreError()
            logger.error("cannot store the step's rounds", metadata: ["error": "\(error)"])
            throw error
        }
    }
}
