/// Settings that apply to every commune and target unless overridden.
public struct Defaults: Sendable, Hashable {
    /// The probe schedule.
    public var probe: ProbeSettings
    /// Link thresholds.
    public var thresholds: Thresholds
    /// Passive capture (off unless an interface is named).
    public var capture: CaptureSettings
    /// The gateway's modem as a signal monitor (off unless a source is named).
    public var signal: SignalSettings
    /// Where the gateways stand, unless a commune says; nil: nowhere given.
    public var location: GatewayLocation?

    /// Creates defaults.
    public init(
        probe: ProbeSettings, thresholds: Thresholds, capture: CaptureSettings = .standard,
        signal: SignalSettings = .standard, location: GatewayLocation? = nil
    ) {
        self.probe = probe
        self.thresholds = thresholds
        self.capture = capture
        self.signal = signal
        self.location = location
    }
}

/// One probe round: `probes` probes `interval` apart to each target, each waiting `timeout`; a round every `step`.
public struct ProbeSettings: Sendable, Hashable {
    /// Probes per target per round (SmokePing's pings, fping's `-C`).
    public var probes: Int
    /// Time between the starts of two rounds.
    public var step: Duration
    /// How long a probe waits for its reply before it counts as lost.
    public var timeout: Duration
    /// Time between two probes to the same target (fping's `-p`).
    public var interval: Duration
    /// ICMP payload size in bytes.
    public var payloadBytes: Int

    /// Creates probe settings.
    public init(probes: Int, step: Duration, timeout: Duration, interval: Duration, payloadBytes: Int) {
        self.probes = probes
        self.step = step
        self.timeout = timeout
        self.interval = interval
        self.payloadBytes = payloadBytes
    }
}
