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

    /// Send times, nanoseconds since the epoch, per probe number.
    public private(set) var sendTimes: [Int64] = []
    /// State per probe number.
    public private(set) var states: [State] = []
    /// Kernel receive time of the first answer per probe number (ns since the epoch); 0 unless answered.
    public private(set) var receiveTimes: [Int64] = []
    /// Extra copies received.
    public private(set) var duplicates = 0
    /// Probes still waiting for an answer or their timeout.
    public private(set) var pendingCount = 0

    /// An empty ledger.
    public init() {}

    /// An empty ledger with room for `expectedProbes` probes (no reallocation while a planned run sends them).
    public init(expectedProbes: Int) {
        self.sendTimes.reserveCapacity(expectedProbes)
        self.states.reserveCapacity(expectedProbes)
        self.receiveTimes.reserveCapacity(expectedProbes)
    }

    /// Number of probes sent.
    public var sent: Int { self.sendTimes.count }

    /// Records the next probe as sent at `time` and returns its number.
    @discardableResult
    public mutating func recordSend(at time: Int64) -> Int {
        self.sendTimes.append(time)
        self.states.append(.pending)
        self.receiveTimes.append(0)
        self.pendingCount += 1
        return self.sendTimes.count - 1
    }

    /// Replaces a probe's send time with the one read right before `sendto` (the probe is recorded before the
    /// send so that a fast reply always finds it). RTTs are computed from the final times.
    public mutating func confirmSendTime(of probe: Int, at time: Int64) {
        guard self.sendTimes.indices.contains(probe) else { return }
        self.sendTimes[probe] = time
    }

    /// Marks a probe lost at once (its send failed).
    public mutating func markLost(_ probe: Int) {
        guard self.states.indices.contains(probe), self.states[probe] == .pending else { return }
        self.states[probe] = .lost
        self.pendingCount -= 1
    }

    /// The probe a sequence number refers to: the most recent one sent with it, or nil.
    public func probe(forSequence sequence: UInt16) -> Int? {
        let last = self.sendTimes.count - 1
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
        guard self.states.indices.contains(probe) else { return .unmatched }
        let rtt = Double(time - self.sendTimes[probe]) / 1e9
        switch self.states[probe] {
        case .answered:
            self.duplicates += 1
            return .duplicate(probe: probe, rtt: rtt)
        case .lost:
            return .late(probe: probe)
        case .pending:
            self.pendingCount -= 1
            if rtt > timeout {
                self.states[probe] = .lost
                return .late(probe: probe)
            }
            self.states[probe] = .answered
            self.receiveTimes[probe] = time
            return .answered(probe: probe, rtt: max(0, rtt))
        }
    }

    /// Whether `probe` was sent and is still waiting for its answer or timeout.
    public func isPending(_ probe: Int) -> Bool {
        self.states.indices.contains(probe) && self.states[probe] == .pending
    }

    /// Declares `probe` lost if it is still pending; returns whether it was.
    public mutating func expire(_ probe: Int) -> Bool {
        guard self.states.indices.contains(probe), self.states[probe] == .pending else { return false }
        self.states[probe] = .lost
        self.pendingCount -= 1
        return true
    }

    /// Counts over the probes whose fate is known (pending ones are left out: they are neither answered nor
    /// lost yet).
    public var counts: ProbeCounts {
        var counts = ProbeCounts(duplicates: self.duplicates)
        for state in self.states {
            switch state {
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
        self.states.indices.compactMap { probe in
            self.states[probe] == .answered
                ? max(0, Double(self.receiveTimes[probe] - self.sendTimes[probe]) / 1e9) : nil
        }
    }
}
