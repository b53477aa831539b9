/// Packet delay variation as RFC 5481 §4.2 defines it: each packet's delay minus the minimum delay of the
/// interval, summarised by a high percentile. netmon reports PDV = p99 − min (nearest-rank p99, see `Percentile`).
/// Applied to round-trip times it is a round-trip PDV.
public enum PacketDelayVariation {
    /// p-th percentile of (delay − min) over the samples, default p = 99; nil when there are none.
    public static func of(_ samples: [Double], percentile: Double = 99) -> Double? {
        guard let summary = SampleSummary(samples) else { return nil }
        return summary.percentile(percentile) - summary.min
    }
}
