/// Settings that apply to every commune and target unless overridden.
public struct Defaults: Sendable, Hashable {
    /// The probe schedule.
    public var probe: ProbeSettings
    /// Link thresholds.
    public var thresholds: Thresholds
    /// Passive capture (off unless an interface is named).
    public var capture: CaptureSettings

    /// Creates defaults.
    public init(probe: ProbeSettings, thresholds: Thresholds, capture: CaptureSettings = .standard) {
        self.probe = probe
        self.thresholds = thresholds
        self.capture = capture
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
