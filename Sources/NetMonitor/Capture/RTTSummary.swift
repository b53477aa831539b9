/// The `{"samples","min","median","p95"}` object of the JSON reports, in milliseconds.
///
/// Same definitions as the probe's statistics: median = middle value (mean of the two middle ones for an even
/// count), p95 = nearest rank (RFC 2330). `samples` and `min` are exact; median and p95 come from the series'
/// reservoir when it held more than `SampleSeries.capacity` samples.
public struct RTTSummary: Sendable, Hashable, Codable {
    /// How many samples.
    public var samples: Int
    /// Smallest, ms.
    public var min: Double
    /// Median, ms.
    public var median: Double
    /// 95th percentile (nearest rank), ms.
    public var p95: Double

    /// Summarises a series; nil when it has no samples.
    public init?(_ series: SampleSeries) {
        guard series.count > 0 else { return nil }
        let sorted = series.values.sorted()
        let n = sorted.count
        let middle = n % 2 == 1 ? Double(sorted[n / 2]) : (Double(sorted[n / 2 - 1]) + Double(sorted[n / 2])) / 2
        let rank = Swift.max(1, Int((0.95 * Double(n) - 1e-9).rounded(.up)))
        self.samples = series.count
        self.min = Double(series.minimum) / 1e6
        self.median = middle / 1e6
        self.p95 = Double(sorted[Swift.min(rank, n) - 1]) / 1e6
    }
}
