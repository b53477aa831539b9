/// Link thresholds for one target: median round-trip time and loss ratio.
public struct Thresholds: Sendable, Hashable {
    /// Median round-trip time, milliseconds.
    public var latencyMs: ThresholdLevels
    /// Lost probes over sent probes, 0…1.
    public var lossRatio: ThresholdLevels

    /// Creates thresholds.
    public init(latencyMs: ThresholdLevels, lossRatio: ThresholdLevels) {
        self.latencyMs = latencyMs
        self.lossRatio = lossRatio
    }
}

/// Three levels with hysteresis: an alert fires at `warn` or `critical` and clears only below `clear`
/// (validated: clear < warn < critical).
public struct ThresholdLevels: Sendable, Hashable {
    /// At or above: warning.
    public var warn: Double
    /// At or above: critical.
    public var critical: Double
    /// Below: the alert clears.
    public var clear: Double

    /// Creates levels.
    public init(warn: Double, critical: Double, clear: Double) {
        self.warn = warn
        self.critical = critical
        self.clear = clear
    }
}
