import LinkQuality

/// A raise threshold, an optional higher critical one, and a lower clear threshold (hysteresis).
///
/// For "higher is worse" metrics (loss, latency, drops, backlog): a value at or above `warn` raises the warning
/// alert and at or above `critical` the critical one; the warning clears only at or below `clear`, the critical one
/// at or below `warn`. Between the two the alert keeps its state, so a value wobbling around a threshold does not
/// flap.
public struct Threshold: Sendable, Hashable, Codable {
    /// Raise the warning at or above this.
    public var warn: Double
    /// Raise the critical alert at or above this; nil for no critical level.
    public var critical: Double?
    /// Clear the warning at or below this (lower than `warn`).
    public var clear: Double

    /// Creates a threshold; `clear` must be below `warn`, and `warn` below `critical`.
    public init(warn: Double, critical: Double? = nil, clear: Double) {
        self.warn = warn
        self.critical = critical
        self.clear = clear
    }

    /// The level of the warning alert for a value.
    public func warningLevel(_ value: Double) -> SignalLevel {
        value >= self.warn ? .raise : (value <= self.clear ? .clear : .hold)
    }

    /// The level of the critical alert for a value; nil when there is no critical level.
    public func criticalLevel(_ value: Double) -> SignalLevel? {
        guard let critical else { return nil }
        return value >= critical ? .raise : (value <= self.warn ? .clear : .hold)
    }
}

/// What one evaluation says about one alert's condition: raise, hold or clear (defined in LinkQuality, whose loss
/// judgement returns it too).
public typealias SignalLevel = LinkQuality.SignalLevel
