/// Descriptive statistics of a set of samples (RTTs in any unit, queue delays, inter-packet gaps…).
///
/// Definitions:
/// - `median`: the middle value; for an even count, the mean of the two middle values.
/// - `mean`: arithmetic mean.
/// - `standardDeviation`: **population** standard deviation √(Σ(x−mean)²/n), the same quantity iputils
///   `ping` reports as `mdev`; `sampleStandardDeviation` divides by n−1 instead.
/// - `p95`, `p99`: nearest-rank percentiles (RFC 2330 §11.3), see `Percentile`.
///
/// The unit is whatever the samples are in; nothing is converted.
public struct SampleSummary: Sendable, Hashable, Codable {
    /// Number of samples.
    public var count: Int
    /// Smallest sample.
    public var min: Double
    /// Median (mean of the two middle values for an even count).
    public var median: Double
    /// Arithmetic mean.
    public var mean: Double
    /// Largest sample.
    public var max: Double
    /// Population standard deviation (divides by n).
    public var standardDeviation: Double
    /// Sample standard deviation (divides by n−1); nil for a single sample.
    public var sampleStandardDeviation: Double?
    /// 95th percentile, nearest rank.
    public var p95: Double
    /// 99th percentile, nearest rank.
    public var p99: Double
    /// The samples sorted ascending (SmokePing's "smoke").
    public var sorted: [Double]

    /// Summarises `samples`; nil when there are none.
    public init?(_ samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let n = sorted.count
        self.count = n
        self.sorted = sorted
        self.min = sorted[0]
        self.max = sorted[n - 1]
        self.median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        // Welford's update: numerically stable mean and sum of squared deviations in one pass.
        var mean = 0.0
        var squares = 0.0
        for (index, value) in samples.enumerated() {
            let delta = value - mean
            mean += delta / Double(index + 1)
            squares += delta * (value - mean)
        }
        self.mean = mean
        self.standardDeviation = (squares / Double(n)).squareRoot()
        self.sampleStandardDeviation = n > 1 ? (squares / Double(n - 1)).squareRoot() : nil
        self.p95 = Percentile.nearestRank(95, sorted: sorted)!
        self.p99 = Percentile.nearestRank(99, sorted: sorted)!
    }

    /// Nearest-rank percentile (0…100) of the summarised samples.
    public func percentile(_ percent: Double) -> Double {
        Percentile.nearestRank(percent, sorted: self.sorted)!
    }
}
