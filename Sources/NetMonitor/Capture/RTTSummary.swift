/// The `{"samples","min","median","p95"}` object of the JSON reports, in milliseconds.
///
/// Computed by `SampleSummary` (Statistics/): median = middle value (mean of the two middle ones for an even
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

    /// Summarises a series with the shared `SampleSummary`; nil when it has no samples.
    public init?(_ series: SampleSeries) {
        guard series.count > 0, let summary = SampleSummary(series.values.map { Double($0) / 1e6 }) else { return nil }
        self.samples = series.count
        self.min = Double(series.minimum) / 1e6
        self.median = summary.median
        self.p95 = summary.p95
    }
}
