import LinkQuality

/// The rule parameters of an ``AlertEngine``: thresholds, durations and the communes that are watched.
///
/// Built from sites.yaml (`defaults.thresholds`, per-target overrides, `alerts.rules`, `coverage.targets`) or by
/// tests directly. Durations are in seconds.
public struct AlertRules: Sendable, Hashable, Codable {
    /// Link thresholds of one target.
    public struct LinkThresholds: Sendable, Hashable, Codable {
        /// Median (or p95) round-trip time, seconds.
        public var latencySeconds: Threshold
        /// Lost probes over sent probes, 0–1.
        public var lossRatio: Threshold

        public init(latencySeconds: Threshold, lossRatio: Threshold) {
            self.latencySeconds = latencySeconds
            self.lossRatio = lossRatio
        }
    }

    /// A commune whose gateway is watched.
    public struct Commune: Sendable, Hashable, Codable {
        /// GSO code.
        public var code: String
        /// Name, e.g. `Xã Nam Tiền Hải`.
        public var name: String
        /// The probe identity of its gateway.
        public var probeID: String

        public init(code: String, name: String, probeID: String) {
            self.code = code
            self.name = name
            self.probeID = probeID
        }
    }

    /// Which latency figure the link rule compares.
    public enum LatencyStatistic: String, Sendable, Hashable, Codable {
        case median
        case p95
    }

    /// Thresholds used when a target has no override.
    public var defaultThresholds: LinkThresholds
    /// Overrides by commune code and target name (`"12345/portal"`), or by target name alone (`"portal"`).
    public var overrides: [String: LinkThresholds]
    /// How long a link, drop or backlog condition must hold before it fires.
    public var forSeconds: Double
    /// Which latency figure to compare.
    public var latencyStatistic: LatencyStatistic
    /// Rounds whose step ended within this many seconds are pooled (0: the latest round only).
    public var windowSeconds: Double
    /// A gateway that sent nothing for this long is silent.
    public var gatewaySilentSeconds: Double
    /// Capture drops per minute that raise (clears at half).
    public var captureDropsPerMinute: Double
    /// Forwarding outbox rows that raise (clears at half).
    public var outboxBacklog: Double
    /// The name of the data-centre hub target (`hub`).
    public var hubTarget: String
    /// Share of reporting communes (at least two) that must lose the hub entirely to call the hub down.
    public var hubDownQuorum: Double
    /// Whether every commune must meet the 4G target.
    public var requireFourGEveryCommune: Bool
    /// Share of the province's area the 5G target asks for (nil: no 5G rule).
    public var fiveGAreaRatio: Double?
    /// The 5G alert clears only once the ratio is this much above the target (hysteresis).
    public var fiveGClearMargin: Double
    /// The communes watched for silence.
    public var communes: [Commune]
    /// The target names configured for each commune code (sites.yaml). When set, rounds and health reports of
    /// other communes or targets are ignored and alerts about them resolve, so label values stay bounded by the
    /// configuration. nil (rules built by hand): any commune and target is accepted.
    public var configuredLinks: [String: [String]]?
    /// A link that has not reported for this many of its steps is stale: its window is dropped and its alerts
    /// resolve (never less than the pooling window plus one step, nor than `gatewaySilentSeconds`). nil: 3.
    public var staleLinkSteps: Double?
    /// How LinkLoss is judged: on windows of probes with a Wilson interval (sites.yaml `alerts.rules.loss`), or,
    /// when nil (rules built by hand), on the pooled window's ratio against the thresholds.
    public var lossJudgement: LossJudgement?

    /// Rules with the defaults of the agreed sites.yaml.
    public init(
        defaultThresholds: LinkThresholds = LinkThresholds(
            latencySeconds: Threshold(warn: 0.050, critical: 0.150, clear: 0.040),
            lossRatio: Threshold(warn: 0.02, critical: 0.10, clear: 0.01)),
        overrides: [String: LinkThresholds] = [:], forSeconds: Double = 120,
        latencyStatistic: LatencyStatistic = .median,
        windowSeconds: Double = 0, gatewaySilentSeconds: Double = 300, captureDropsPerMinute: Double = 100,
        outboxBacklog: Double = 1000, hubTarget: String = "hub", hubDownQuorum: Double = 0.5,
        requireFourGEveryCommune: Bool = true, fiveGAreaRatio: Double? = nil, fiveGClearMargin: Double = 0.01,
        communes: [Commune] = [], configuredLinks: [String: [String]]? = nil, staleLinkSteps: Double? = nil,
        lossJudgement: LossJudgement? = nil
    ) {
        self.defaultThresholds = defaultThresholds
        self.overrides = overrides
        self.forSeconds = forSeconds
        self.latencyStatistic = latencyStatistic
        self.windowSeconds = windowSeconds
        self.gatewaySilentSeconds = gatewaySilentSeconds
        self.captureDropsPerMinute = captureDropsPerMinute
        self.outboxBacklog = outboxBacklog
        self.hubTarget = hubTarget
        self.hubDownQuorum = hubDownQuorum
        self.requireFourGEveryCommune = requireFourGEveryCommune
        self.fiveGAreaRatio = fiveGAreaRatio
        self.fiveGClearMargin = fiveGClearMargin
        self.communes = communes
        self.configuredLinks = configuredLinks
        self.staleLinkSteps = staleLinkSteps
        self.lossJudgement = lossJudgement
    }

    /// Whether rounds of `target` from `commune` are taken (always when no configuration restricts them).
    public func isConfigured(commune: String, target: String) -> Bool {
        guard let links = self.configuredLinks else { return true }
        return links[commune]?.contains(target) ?? false
    }

    /// Whether reports of `commune` are taken (always when no configuration restricts them).
    public func isConfigured(commune: String) -> Bool {
        guard let links = self.configuredLinks else { return true }
        return links[commune] != nil
    }

    /// How long a link with rounds of `step` seconds may go without a round before it is stale.
    public func staleLinkSeconds(step: Double) -> Double {
        let step = step.isFinite && step > 0 ? step : 60
        let steps = self.staleLinkSteps.flatMap { $0.isFinite && $0 > 0 ? $0 : nil } ?? 3
        return max(steps * step, self.windowSeconds + step, self.gatewaySilentSeconds)
    }

    /// The thresholds of one target of one commune.
    public func thresholds(commune: String, target: String) -> LinkThresholds {
        self.overrides["\(commune)/\(target)"] ?? self.overrides[target] ?? self.defaultThresholds
    }
}
