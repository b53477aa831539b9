/// What one evaluation says about one alert's condition (the alert engine's rules and ``LossJudgement``).
public enum SignalLevel: String, Sendable, Hashable, Codable {
    /// The condition holds: create (after `for`) or keep the alert.
    case raise
    /// Between the clear and raise thresholds: keep whatever state the alert is in.
    case hold
    /// The condition is clearly over: resolve the alert or forget its pending state.
    case clear
}
