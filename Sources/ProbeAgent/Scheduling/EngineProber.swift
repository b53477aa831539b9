import NetMonitor
import NetworkAddress
import SiteCatalog

/// The real probe engine (`NetMonitor.ProbeEngine`) behind the daemon's `RoundProber` seam.
///
/// One engine per step probes every target over one ICMP socket per family (TCP connects for tcp targets), on
/// fping's schedule: `period` = the plan's per-target interval, `interval` = the plan's spacing, so a step's probes
/// are spread evenly. Its probing thread is its own, not the cooperative pool's. `kind: stamp` targets are measured
/// by ``STAMPProber`` at the same time, each session on a thread of its own.
public struct EngineProber: RoundProber {
    public init() {}

    public func probeRound(
        _ targets: [AgentTarget], schedule: ProbeSchedule, plan: RoundPlan
    ) async throws
        -> [TargetRound]
    {
        guard !targets.isEmpty else { return [] }
        // STAMP targets get sessions of their own (threads of their own too), run alongside the engine.
        var stampIndexes: [Int] = []
        var stampTargets: [(address: IPAddress, settings: STAMPTargetSettings)] = []
        var engineIndexes: [Int] = []
        var endpoints: [ProbeEndpoint] = []
        for (index, target) in targets.enumerated() {
            let method: ProbeEndpoint.Method
            switch target.kind {
            case .icmp: method = .icmp
            case .tcp(let port): method = .tcp(port: port)
            case .stamp(let settings):
                stampIndexes.append(index)
                stampTargets.append((target.address, settings))
                continue
            }
            engineIndexes.append(index)
            endpoints.append(ProbeEndpoint(label: target.name, address: target.address, method: method))
        }
        async let stampRounds =
            stampTargets.isEmpty ? [] : STAMPProber.probe(stampTargets, schedule: schedule, plan: plan)
        var results = [TargetRound](repeating: TargetRound(sent: 0, rttsInSendOrder: []), count: targets.count)
        if !endpoints.isEmpty {
            let options = ProbeOptions(
                count: schedule.probes, period: plan.intervalSeconds, interval: plan.spacingSeconds,
                timeout: schedule.timeoutSeconds, payloadSize: schedule.payloadBytes)
            let engine = try ProbeEngine(endpoints: endpoints, options: options, emitsEvents: false)
            await engine.run()
            for (index, report) in zip(engineIndexes, engine.snapshot()) {
                results[index] = TargetRound(sent: report.counts.sent, rttsInSendOrder: report.rttsInSendOrder)
            }
        }
        for (index, round) in zip(stampIndexes, await stampRounds) { results[index] = round }
        return results
    }
}
