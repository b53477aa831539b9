import NetmonProtocol

/// How reports are folded into mergeable per-cell aggregates (``CellAggregates``): the H3 resolution and the primary
/// metric of each judged technology, the only settings an aggregate depends on (floors, `min_samples`, targets and
/// speed thresholds are applied at analysis time, so changing them needs no rebuild).
///
/// Bins:
/// - **Signal**: the primary metric rounded to the nearest whole dB (`rounded()`, halves away from zero), one count
///   per bin. Integer dBm values (what phones and modems report) are kept exactly, so a median from the bins is
///   the median of the values. Any other value moves by at most half a bin, and so does the median (odd counts: the
///   middle value's bin; even counts: the mean of two such bins): |median from bins − exact median| ≤ 0.5 dB.
/// - **Speed**: a rate in kbit/s as the 32-bit float the accumulator keeps, with its mantissa cut to
///   ``rateMantissaBits`` bits (the float's bit pattern shifted right, which keeps order for non-negative floats).
///   A bucket stands for its lowest value, so 0 ≤ exact − from buckets < exact / 1,024 for a rate and for a median
///   (the mean of two such values); whole kbit/s below 2,048, and thresholds of whole Mbit/s up to 16, are bucket
///   edges, kept exactly.
public struct CellAggregation: Sendable, Hashable {
    public let resolution: Int
    /// Primary metric per judged technology, in `Technology.judged` order.
    public let metrics: [Technology: SignalMetric]

    public init(settings: CoverageSettings) {
        self.resolution = settings.resolution
        self.metrics = settings.floors.mapValues(\.metric)
    }

    /// Mantissa bits a speed bucket keeps.
    public static let rateMantissaBits = 10

    /// Names everything the aggregates depend on: aggregates stored under another signature must be rebuilt.
    public var signature: String {
        let metrics = Technology.judged.compactMap { t in self.metrics[t].map { "\(t.rawValue)=\($0.rawValue)" } }
        return "cell-aggregates-v1 resolution=\(self.resolution) " + metrics.joined(separator: ",")
    }

    /// The 1 dB bin of a metric value; nil for a value that is not finite or beyond ±2^52 (no report holds one:
    /// readers keep only the 3GPP ranges).
    @inline(__always)
    public static func signalBin(_ value: Double) -> Int64? {
        let r = value.rounded()
        guard r.isFinite, abs(r) < 4_503_599_627_370_496 else { return nil }
        return Int64(r)
    }

    /// The speed bucket of a rate as kept (`SpeedSamples.kept`: NaN for none); nil for NaN.
    @inline(__always)
    public static func rateBucket(_ kbps: Float) -> Int64? {
        guard kbps.isFinite, kbps >= 0 else { return nil }
        return Int64(kbps.bitPattern >> UInt32(23 - Self.rateMantissaBits))
    }

    /// The lowest rate (kbit/s) of a speed bucket; nil for a bucket no non-negative finite float falls in.
    @inline(__always)
    public static func rate(ofBucket bucket: Int64) -> Double? {
        let shift = 23 - Self.rateMantissaBits
        guard bucket >= 0, bucket < (Int64(Float.infinity.bitPattern) >> Int64(shift)) else { return nil }
        return Double(Float(bitPattern: UInt32(bucket) << UInt32(shift)))
    }
}
