/// RFC 3550 §6.4.1 interarrival jitter, J ← J + (|D| − J)/16, with J starting at 0.
///
/// RFC 3550 defines D on one-way transit times. Active probes only know round-trip times, so netmon applies the
/// same estimator to the RTT series: D(i) = RTT(i) − RTT(i−1) over the replies in the order the probes were sent
/// (lost probes are skipped). Report it as "RFC 3550 jitter on the RTT series", not as one-way jitter.
public struct InterarrivalJitter: Sendable, Hashable {
    /// The current estimate J (same unit as the samples); 0 until two samples have been added.
    public private(set) var value: Double = 0
    /// Number of samples added.
    public private(set) var count: Int = 0
    private var previous: Double?

    /// An estimator with no samples.
    public init() {}

    /// Adds the next sample of the series.
    public mutating func add(_ sample: Double) {
        if let previous = self.previous {
            let difference = abs(sample - previous)
            self.value += (difference - self.value) / 16
        }
        self.previous = sample
        self.count += 1
    }

    /// The jitter of a whole series in order; nil with fewer than two samples.
    public static func of(_ series: [Double]) -> Double? {
        guard series.count >= 2 else { return nil }
        var jitter = InterarrivalJitter()
        for sample in series { jitter.add(sample) }
        return jitter.value
    }
}
