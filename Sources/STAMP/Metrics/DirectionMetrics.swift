import NetMonitor

/// The IPPM metrics of one direction of a STAMP session (forward: sender → reflector, reverse: back).
public struct DirectionMetrics: Sendable, Hashable {
    /// Packets that entered this direction in the window where loss can be attributed (forward: the sender's
    /// packets up to the last one the reflector is known to have numbered; reverse: the reflector's answers); nil
    /// when loss cannot be split by direction (a stateless reflector with loss).
    public var sent: Int?
    /// Of those, lost in this direction (RFC 7680); nil as `sent`.
    public var lost: Int?
    /// One-way delays in seconds (RFC 7679): T2 − T1 forward, T4 − T3 reverse. Present whether or not they may be
    /// published: `STAMPSessionMetrics.oneWayDelay` says.
    public var delay: SampleSummary?
    /// RFC 5481 PDV: p99 − min of the one-way delays, seconds. A constant clock offset cancels, so it needs no
    /// synchronised clocks.
    public var pdv: Double?
    /// RFC 3393 IPDV of consecutive packets (in this direction's sending order) both received: the mean of |IPDV|,
    /// seconds.
    public var ipdvMeanAbsolute: Double?
    /// The nearest-rank p99 of |IPDV|, seconds.
    public var ipdvP99Absolute: Double?
    /// RFC 4737 reordered packets: arrivals whose sequence is below the next expected one.
    public var reordered: Int
    /// Packets whose reordering could be judged (arrivals in this direction).
    public var arrivals: Int
    /// RFC 5560 duplicates: extra copies that arrived in this direction.
    public var duplicates: Int

    /// lost / sent, or nil.
    public var lossRatio: Double? {
        guard let sent, let lost, sent > 0 else { return nil }
        return Double(lost) / Double(sent)
    }

    /// reordered / arrivals, or nil with no arrivals.
    public var reorderedRatio: Double? { self.arrivals > 0 ? Double(self.reordered) / Double(self.arrivals) : nil }

    public init(
        sent: Int? = nil, lost: Int? = nil, delay: SampleSummary? = nil, pdv: Double? = nil,
        ipdvMeanAbsolute: Double? = nil, ipdvP99Absolute: Double? = nil, reordered: Int = 0, arrivals: Int = 0,
        duplicates: Int = 0
    ) {
        self.sent = sent
        self.lost = lost
        self.delay = delay
        self.pdv = pdv
        self.ipdvMeanAbsolute = ipdvMeanAbsolute
        self.ipdvP99Absolute = ipdvP99Absolute
        self.reordered = reordered
        self.arrivals = arrivals
        self.duplicates = duplicates
    }
}

/// RFC 4737 §3.3 reordering: an arrival is reordered when its sequence is below NextExp, the largest sequence seen
/// so far plus one.
public enum Reordering {
    /// The number of reordered arrivals in `sequences` (in arrival order).
    public static func count(_ sequences: some Sequence<Int>) -> Int {
        var nextExpected = Int.min
        var reordered = 0
        for sequence in sequences {
            if sequence >= nextExpected {
                nextExpected = sequence + 1
            } else {
                reordered += 1
            }
        }
        return reordered
    }
}
