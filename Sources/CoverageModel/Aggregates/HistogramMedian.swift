/// Count and median of values held as a histogram (bin → count), each bin standing for one value.
enum HistogramMedian {
    /// The number of values and their median (the mean of the two middle values for an even count, as
    /// ``CoverageAnalysis/median(_:)``); `value` gives a bin's value. Bins with a count ≤ 0 hold nothing.
    static func figures(_ histogram: [Int64: Int64], value: (Int64) -> Double?) -> (count: Int, median: Double?) {
        let bins = histogram.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        let total = bins.reduce(Int64(0)) { $0 + $1.value }
        guard total > 0 else { return (0, nil) }
        // 0-based ranks of the middle value(s).
        let upper = total / 2
        let lower = total % 2 == 1 ? upper : upper - 1
        var seen: Int64 = 0
        var lowerValue: Double?
        for (bin, n) in bins {
            let next = seen + n
            if lowerValue == nil && lower < next { lowerValue = value(bin) }
            if upper < next {
                guard let low = lowerValue, let high = value(bin) else { return (Int(total), nil) }
                return (Int(total), total % 2 == 1 ? high : (low + high) / 2)
            }
            seen = next
        }
        return (Int(total), nil)
    }

    /// Adds `other`'s counts into `histogram`.
    static func merge(_ other: [Int64: Int64], into histogram: inout [Int64: Int64]) {
        for (bin, n) in other { histogram[bin, default: 0] += n }
    }
}
