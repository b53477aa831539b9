/// Where a commune stands against the commune targets (3G/4G in every commune), told apart from missing data.
public enum CommuneStatus: String, Sendable, Hashable, CaseIterable {
    /// Measured enough and meets every commune target that is set.
    case meets
    /// Measured enough and misses a commune target.
    case belowTarget = "below_target"
    /// Less than `min_measured_ratio` of its area measured: too little data to call it below target.
    case notMeasuredEnough = "not_measured_enough"
}
