/// RTT samples of one series (a flow side, a site, an ICMP identifier) in nanoseconds, with bounded memory.
///
/// Count, minimum and maximum are exact; beyond `capacity` samples a deterministic reservoir (Algorithm R) keeps a uniform
/// subset for the median and p95.
public struct SampleSeries: Sendable, Hashable {
    /// How many samples are kept for percentiles.
    public static let capacity = 4096

    /// The kept samples (all of them up to `capacity`).
    public private(set) var values: [Int64] = []
    /// How many samples were added.
    public private(set) var count = 0
    /// The smallest sample added.
    public private(set) var minimum = Int64.max
    /// The largest sample added.
    public private(set) var maximum = Int64.min
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// An empty series.
    public init() {}

    /// Adds a sample in nanoseconds.
    public mutating func add(_ nanoseconds: Int64) {
        self.count += 1
        if nanoseconds < self.minimum { self.minimum = nanoseconds }
        if nanoseconds > self.maximum { self.maximum = nanoseconds }
        if self.values.count < Self.capacity {
            self.values.append(nanoseconds)
        } else {
            self.state = self.state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let slot = Int((self.state >> 17) % UInt64(self.count))
            if slot < Self.capacity { self.values[slot] = nanoseconds }
        }
    }

    /// Forgets every sample.
    public mutating func removeAll() {
        self = SampleSeries()
    }
}
