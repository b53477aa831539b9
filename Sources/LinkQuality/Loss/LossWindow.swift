import Foundation

/// The probe counts of a link's newest rounds, oldest first, for ``LossJudgement``.
///
/// One per link and (once STAMP rounds carry them) per direction: the same window and judgement serve ICMP, TCP
/// and per-direction STAMP loss.
public struct LossWindow: Sendable, Hashable, Codable {
    /// One round's counts.
    public struct Sample: Sendable, Hashable, Codable {
        /// When the round's step ended (identifies the round within the link).
        public var end: Date
        public var sent: Int
        public var lost: Int

        public init(end: Date, sent: Int, lost: Int) {
            self.end = end
            self.sent = sent
            self.lost = lost
        }
    }

    /// The rounds, oldest first.
    public private(set) var samples: [Sample]

    public init(samples: [Sample] = []) {
        self.samples = samples.sorted { $0.end < $1.end }
    }

    /// Adds a round's counts (a round with the same end replaces the earlier one: a round sent again). Counts
    /// that are negative, or more lost than sent, are clamped.
    public mutating func record(end: Date, sent: Int, received: Int) {
        let sent = max(0, sent)
        let sample = Sample(end: end, sent: sent, lost: min(sent, max(0, sent - received)))
        if let index = self.samples.firstIndex(where: { $0.end == end }) {
            self.samples[index] = sample
        } else if let last = self.samples.last, last.end > end {
            self.samples.append(sample)
            self.samples.sort { $0.end < $1.end }
        } else {
            self.samples.append(sample)
        }
    }

    /// Drops the oldest rounds that the newest `probes` probes do not need, and rounds older than `oldest`.
    public mutating func trim(keepingProbes probes: Int, notBefore oldest: Date? = nil) {
        if let oldest { self.samples.removeAll { $0.end < oldest } }
        var total = 0
        var keepFrom = self.samples.count
        while keepFrom > 0, total < probes {
            keepFrom -= 1
            total += self.samples[keepFrom].sent
        }
        if keepFrom > 0 { self.samples.removeFirst(keepFrom) }
    }

    /// The counts of the newest rounds whose probes reach `probes` (all of them while there are fewer).
    public func newest(probes: Int) -> LossCount {
        var count = LossCount(sent: 0, lost: 0)
        for sample in self.samples.reversed() {
            guard count.sent < probes else { break }
            count.sent += sample.sent
            count.lost += sample.lost
        }
        return count
    }
}
