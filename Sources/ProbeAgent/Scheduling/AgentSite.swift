import NetworkAddress
import SiteCatalog

/// What the daemon probes, from sites.yaml: one commune's probe identity, targets and schedule.
public struct AgentSite: Sendable, Hashable {
    /// The gateway's probe identity (`probe-12345`), the first half of every round's idempotency key.
    public var probeID: String
    /// GSO code of the commune.
    public var commune: String
    /// Targets, defaults applied.
    public var targets: [AgentTarget]
    /// Probes per step, step, timeout, interval.
    public var schedule: ProbeSchedule
    /// Passive capture, when sites.yaml configures one for this commune.
    public var capture: AgentCapture?
    /// The modem's signal monitor, when sites.yaml configures one for this commune.
    public var signal: AgentSignal?

    public init(
        probeID: String, commune: String, targets: [AgentTarget], schedule: ProbeSchedule, capture: AgentCapture? = nil,
        signal: AgentSignal? = nil
    ) {
        self.probeID = probeID
        self.commune = commune
        self.targets = targets
        self.schedule = schedule
        self.capture = capture
        self.signal = signal
    }
}

/// One target of the site's rounds.
public struct AgentTarget: Sendable, Hashable {
    /// How a target is probed: sites.yaml's kind (ICMP, a TCP connect, or a STAMP session, see ``STAMPProber``).
    public typealias Kind = TargetKind

    public var name: String
    public var address: IPAddress
    public var kind: Kind

    public init(name: String, address: IPAddress, kind: Kind) {
        self.name = name
        self.address = address
        self.kind = kind
    }
}

/// SmokePing-style round parameters.
public struct ProbeSchedule: Sendable, Hashable {
    /// Probes per target per step (SmokePing's `pings`).
    public var probes: Int
    /// Length of a step, seconds.
    public var stepSeconds: Double
    /// How long to wait for each reply, seconds.
    public var timeoutSeconds: Double
    /// Time between two probes to the same target, seconds.
    public var intervalSeconds: Double
    /// ICMP payload size.
    public var payloadBytes: Int

    public init(probes: Int, stepSeconds: Double, timeoutSeconds: Double, intervalSeconds: Double, payloadBytes: Int) {
        self.probes = probes
        self.stepSeconds = stepSeconds
        self.timeoutSeconds = timeoutSeconds
        self.intervalSeconds = intervalSeconds
        self.payloadBytes = payloadBytes
    }
}
