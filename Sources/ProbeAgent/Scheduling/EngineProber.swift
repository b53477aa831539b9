import NetMonitor
import NetworkAddress

/// The real probe engine (`NetMonitor.ProbeEngine`) behind the daemon's `RoundProber` seam.
///
/// One engine per step probes every target over one ICMP socket per family (TCP connects for tcp targets), on
/// fping's schedule: `period` = the plan's per-target interval, `interval` = the plan's spacing, so a step's probes
/// are spread evenly. Its probing thread is its own, not the cooperative pool's.
public struct EngineProber: RoundProber {
    public init() {}

    public func probeRound(
        _ targets: [AgentTarget], schedule: ProbeSchedule, plan: RoundPlan
    ) async throws
        -> [TargetRound]
    {
        guard !targets.isEmpty else { return [] }
        var endpoints: [ProbeEndpoint] = []
        for target in targets {
            let method: ProbeEndpoint.Method =
                switch target.kind {
                case .icmp: .icmp
                case .tcp(let port): .tcp(port: port)
                }
            endpoints.append(ProbeEndpoint(label: target.name, address: target.address, method: method))
        }
        let options = ProbeOptions(
            count: schedule.probes, period: plan.intervalSeconds, interval: plan.spacingSeconds,
            timeout: schedule.timeoutSeconds, payloadSize: schedule.payloadBytes)
        let engine = try ProbeEngine(endpoints: endpoints, options: options, emitsEvents: false)
        await engine.run()
        return engine.snapshot().map { report in
            TargetRound(sent: report.counts.sent, rttsInSendOrder: report.rttsInSendOrder)
        }
    }
}
