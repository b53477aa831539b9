/// The probes sent to one target and what became of each: a value type that the engine updates on every send,
/// reply and timeout, testable without sockets.
///
/// Matching: probe number p goes out with sequence `p mod 65536`. A reply's sequence selects the most recent
/// probe with that sequence; when the payload carries netmon's cookie its probe number must agree, so a reply
/// whose sequence was byte-swapped by the peer (Windows style) or that belongs to another program is not taken
/// for one of ours. A probe counts once (RFC 7680): later copies are duplicates, replies after the timeout do
/// not revive a lost probe.
public struct ProbeLedger: Sendable, Hashable {
    /// State of one probe.
    public enum State: UInt8, Sendable, Hashable {
        /// Sent, waiting.
        case pending
        /// Answered within the timeout.
        case answered
        /// Not answered within the timeout (or the send failed).
        case lost
    }

    /// What a reply turned out to be.
    public enum Outcome: Sendable, Hashable {
        /// First answer to `probe`, round trip `rtt` seconds.
        case answered(probe: Int, rtt: Double)
        /// Another copy of an answer already counted.
        case duplicate(probe: Int, rtt: Double)
        /// Answer to a probe already declared lost, or later than the timeout.
        case late(probe: Int)
        /// Matches no probe of ours.
        case unmatched
    }

    /// One probe: everything a send, a reply or a timeout touches, side by side (one cache line, not three
    /// arrays' worth, per send).
    struct Record: Sendable, Hashable {
        /// When it was sent, nanoseconds since the epoch.
        var sendTime: Int64
        /// Kernel receive time of its first answer (ns since the epoch); 0 unless answered.
        var receiveTime: Int64
        var state: State
    }

    /// The probes in the order sent: record p is probe number p.
    private(set) var records: [Record] = []
    /// Extra copies received.
    public private(set) var duplicates = 0
    /// Probes still waiting for an answer or their timeout.
    public private(set) var pendingCount = 0

    /// An empty ledger.
    public init() {}

    /// An empty ledger with room for `expectedProbes` probes (no reallocation while a planned run sends them).
    public init(expectedProbes: Int) {
        self.records.reserveCapacity(expectedProbes)
    }

    /// Send times, nanoseconds since the epoch, per probe number.
    public var sendTimes: [Int64] { self.records.map(\.sendTime) }
    /// State per probe number.
    public var states: [State] { self.records.map(\.state) }
    /// Kernel receive time of the first answer per probe number (ns since the epoch); 0 unless answered.
    public var receiveTimes: [Int64] { self.records.map(\.receiveTime) }

    /// Number of probes sent.
    public var sent: Int { self.records.count }

    /// Records the next probe as sent at `time` and returns its number.
    @discardableResult
    public mutating func recordSend(at time: Int64) -> Int {
        self.records.append(Record(sendTime: time, receiveTime: 0, state: .pending))
        self.pendingCount += 1
        return self.records.count - 1
    }

    /// Replaces a probe's send time with the one read right before `sendto` (the probe is recorded before the
    /// send so that a fast reply always finds it). RTTs are computed from the final times.
    public mutating func confirmSendTime(of probe: Int, at time: Int64) {
        guard self.records.indices.contains(probe) else { return }
        self.records[probe].sendTime = time
    }

    /// Marks a probe lost at once (its send failed).
    public mutating func markLost(_ probe: Int) {
        guard self.records.indices.contains(probe), self.records[probe].state == .pending else { return }
        self.records[probe].state = .lost
        self.pendingCount -= 1
    }

    /// The probe a sequence number refers to: the most recent one sent with it, or nil.
    public func probe(forSequence sequence: UInt16) -> Int? {
        let last = self.records.count - 1
        guard last >= 0 else { return nil }
        let candidate = last - ((last - Int(sequence)) & 0xFFFF)
        return candidate >= 0 ? candidate : nil
    }

    /// Records a reply with `sequence` received at `time`.
    /// - Parameters:
    ///   - cookieProbe: the probe number carried in the payload cookie, if the payload had netmon's cookie.
    ///   - timeout: seconds after which a reply is too late.
    public mutating func recordReply(sequence: UInt16, cookieProbe: Int?, at time: Int64, timeout: Double) -> Outcome {
        guard let probe = self.probe(forSequence: sequence) else { return .unmatched }
        if let cookieProbe, cookieProbe != probe { return .unmatched }
        return self.recordReply(probe: probe, at: time, timeout: timeout)
    }

    /// Records a reply to a known probe number (TCP, or a reply already matched).
    public mutating func recordReply(probe: Int, at time: Int64, timeout: Double) -> Outcome {
        guard self.records.indices.contains(probe) else { return .unmatched }
        let rtt = Double(time - self.records[probe].sendTime) / 1e9
        switch self.records[probe].state {
        case .answered:
            self.duplicates += 1
            return .duplicate(probe: probe, rtt: rtt)
        case .lost:
            return .late(probe: probe)
        case .pending:
            self.pendingCount -= 1
            if rtt > timeout {
                self.records[probe].state = .lost
                return .late(probe: probe)
            }
            self.records[probe].state = .answered
            self.records[probe].receiveTime = time
            return .answered(probe: probe, rtt: max(0, rtt))
        }
    }

    /// Whether `probe` was sent and is still waiting for its answer or timeout.
    public func isPending(_ probe: Int) -> Bool {
        self.records.indices.contains(probe) && self.records[probe].state == .pending
    }

    /// Declares `probe` lost if it is still pending; returns whether it was.
    public mutating func expire(_ probe: Int) -> Bool {
        guard self.records.indices.contains(probe), self.records[probe].state == .pending else { return false }
        self.records[probe].state = .lost
        self.pendingCount -= 1
        return true
    }

    /// Counts over the probes whose fate is known (pending ones are left out: they are neither answered nor
    /// lost yet).
    public var counts: ProbeCounts {
        var counts = ProbeCounts(duplicates: self.duplicates)
        for record in self.records {
            switch record.state {
            case .pending: continue
            case .answered:
                counts.sent += 1
                counts.received += 1
            case .lost: counts.sent += 1
            }
        }
        return counts
    }

    /// RTTs of answered probes in the order the probes were sent, seconds.
    public var rttsInSendOrder: [Double] {
        self.records.compactMap { record in
            record.state == .answered ? max(0, Double(record.receiveTime - record.sendTime) / 1e9) : nil
        }
    }
}
