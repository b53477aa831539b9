/// Empirical percentiles by the IPPM definition (RFC 2330 §11.3, the "nearest rank" method): the P-th
/// percentile is the smallest sample x such that at least P% of the samples are ≤ x. No interpolation, so the
/// result is always one of the samples. With n samples this is `sorted[max(1, ⌈P·n/100⌉) − 1]`.
///
/// Consequence worth knowing: with fewer than 20 samples p95 is the maximum; with fewer than 100, p99 is.
public enum Percentile {
    /// The P-th percentile (0…100) of samples already sorted ascending; nil when there are none.
    public static func nearestRank(_ percent: Double, sorted: [Double]) -> Double? {
        precondition(percent >= 0 && percent <= 100, "a percentile lies in 0...100")
        guard !sorted.isEmpty else { return nil }
        // percent × n is exact for integral percents and realistic n; the tiny slack absorbs 99.9 × 10 style
        // products that land a hair above an integer.
        let exact = percent * Double(sorted.count) / 100
        let rank = max(1, Int((exact - 1e-9).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    /// The P-th percentile (0…100) of unsorted samples; nil when there are none.
    public static func nearestRank(_ percent: Double, of samples: [Double]) -> Double? {
        self.nearestRank(percent, sorted: samples.sorted())
    }
}
