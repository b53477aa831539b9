import NetMonitor

/// The metrics of one STAMP session, per direction and for the round trip, computed from a `STAMPSessionRecord`.
///
/// - A packet is received when its first reply arrives within the wait time after T1 (RFC 7680); later replies
///   count as `late` (and lost), extra copies as duplicates (RFC 5560): a copy with the same reflector receive time
///   as the first was duplicated on the way back, one with another receive time reached the reflector twice.
/// - Round trip: (T4 − T1) − (T3 − T2), the reflector's residence time taken out.
/// - Loss by direction needs a stateful reflector (RFC 8762 §4.3.2), recognised when its Sequence Number differs
///   from the sender's in some reply, or declared with `assumeStateful`. Its counter says how many packets reached
///   it: up to the packet it numbered last (the window), forward lost = packets in the window − packets the
///   reflector numbered (less forward duplicates); reverse lost = the reflector's answers − those received. Packets
///   after the window were lost in a direction nobody can tell: `unattributedLoss`.
/// - Reordering (RFC 4737): forward in the reflector's arrival order (its counter, or T2 for a stateless reflector),
///   reverse in this host's arrival order against the reflector's sending order.
/// - One-way delay is published only when both ends claim a synchronised clock (S bit) and their combined error is
///   at most `maximumErrorRatio` of the direction's median delay; otherwise `oneWayDelay` says why not.
public struct STAMPSessionMetrics: Sendable, Hashable {
    /// Whether one-way delay may be published, and why not.
    public enum Publication: Sendable, Hashable {
        case published
        case withheld(reason: String)

        /// Whether published.
        public var isPublished: Bool { self == .published }
        /// The reason it is withheld; nil when published.
        public var reason: String? {
            if case .withheld(let reason) = self { return reason }
            return nil
        }
    }

    /// How the reflector numbered its packets, as far as the replies show.
    public enum ReflectorMode: String, Sendable, Hashable {
        /// Some reply carries a reflector sequence other than the sender's: the reflector counts (or the sender
        /// said so with `assumeStateful`).
        case stateful
        /// Every reply carries the sender's sequence: a stateless reflector, or a stateful one that has lost
        /// nothing on the way out so far.
        case sequenceCopied = "sequence-copied"
    }

    /// Packets sent (including failed sends).
    public var sent: Int
    /// Packets answered in time, each once.
    public var received: Int
    /// Packets whose first answer came after the wait time.
    public var late: Int
    /// sent − received.
    public var lost: Int { self.sent - self.received }
    /// lost / sent.
    public var lossRatio: Double { self.sent > 0 ? Double(self.lost) / Double(self.sent) : 0 }
    /// Lost packets whose direction cannot be told (after the last packet the reflector numbered, or all of them
    /// with a stateless reflector).
    public var unattributedLoss: Int
    /// Round-trip times, seconds.
    public var roundTrip: SampleSummary?
    /// Sender → reflector.
    public var forward: DirectionMetrics
    /// Reflector → sender.
    public var reverse: DirectionMetrics
    /// The reflector's numbering.
    public var reflectorMode: ReflectorMode
    /// Forward one-way delay publication.
    public var forwardPublication: Publication
    /// Reverse one-way delay publication.
    public var reversePublication: Publication
    /// This host's clock as it claimed it.
    public var senderClock: ErrorEstimate
    /// The reflector's clock: synchronised only if every reply said so; the largest error seen. Nil without replies.
    public var reflectorClock: ClockState?
    /// TTL or hop limit of the test packets at the reflector (the most common value), when it said.
    public var senderTTL: Int?

    /// Computes the metrics of `record`.
    /// - Parameters:
    ///   - assumeStateful: treat the reflector as stateful even when every reply carries the sender's sequence
    ///     (a stateful reflector that lost nothing forward looks so).
    ///   - maximumErrorRatio: publish one-way delay when the combined clock error is at most this share of the
    ///     median delay (default 10 %).
    public init(_ record: STAMPSessionRecord, assumeStateful: Bool = false, maximumErrorRatio: Double = 0.1) {
        self.sent = record.sendTimes.count
        self.senderClock = record.senderErrorEstimate

        // First copies on time, late ones, duplicates by direction.
        var first: [UInt32: Int] = [:]  // sender sequence → index into record.replies
        var lateSequences: Set<UInt32> = []
        var forwardDuplicates = 0
        var reverseDuplicates = 0
        var onTime: [Int] = []  // indexes of first copies received in time, arrival order
        for (index, reply) in record.replies.enumerated() {
            let sequence = Int(reply.senderSequence)
            guard sequence < record.sendTimes.count, let sent = record.sendTimes[sequence] else { continue }
            if let earlier = first[reply.senderSequence] {
                if record.replies[earlier].reflectorReceiveTime == reply.reflectorReceiveTime {
                    reverseDuplicates += 1
                } else {
                    forwardDuplicates += 1
                }
                continue
            }
            first[reply.senderSequence] = index
            if reply.receiveTime - sent <= record.timeout {
                onTime.append(index)
            } else {
                lateSequences.insert(reply.senderSequence)
            }
        }
        self.received = onTime.count
        self.late = lateSequences.count

        // Delays.
        var forwardDelays: [(sequence: Int, delay: Double)] = []
        var reverseDelays: [(order: Int64, delay: Double)] = []
        var roundTrips: [Double] = []
        let stateful =
            assumeStateful || record.replies.contains { $0.reflectorSequence != $0.senderSequence }
        self.reflectorMode = stateful ? .stateful : .sequenceCopied
        for index in onTime {
            let reply = record.replies[index]
            guard let sent = record.sendTimes[Int(reply.senderSequence)] else { continue }
            let forward = Double(reply.reflectorReceiveTime - sent) / 1e9
            let reverse = Double(reply.receiveTime - reply.reflectorSendTime) / 1e9
            forwardDelays.append((Int(reply.senderSequence), forward))
            reverseDelays.append(
                (stateful ? Int64(reply.reflectorSequence) : reply.reflectorSendTime, reverse))
            roundTrips.append(
                Double((reply.receiveTime - sent) - (reply.reflectorSendTime - reply.reflectorReceiveTime)) / 1e9)
        }
        self.roundTrip = SampleSummary(roundTrips)

        // Reordering: forward in the reflector's arrival order, reverse in ours against the reflector's send order.
        let byReflectorArrival = onTime.sorted { a, b in
            let x = record.replies[a]
            let y = record.replies[b]
            return stateful
                ? x.reflectorSequence < y.reflectorSequence : x.reflectorReceiveTime < y.reflectorReceiveTime
        }
        let forwardReordered = Reordering.count(byReflectorArrival.map { Int(record.replies[$0].senderSequence) })
        var sendRank: [Int: Int] = [:]
        let byReflectorSend = onTime.sorted { a, b in
            let x = record.replies[a]
            let y = record.replies[b]
            return stateful ? x.reflectorSequence < y.reflectorSequence : x.reflectorSendTime < y.reflectorSendTime
        }
        for (rank, index) in byReflectorSend.enumerated() { sendRank[index] = rank }
        let reverseReordered = Reordering.count(onTime.compactMap { sendRank[$0] })

        // Loss by direction.
        var forwardSent: Int?
        var forwardLost: Int?
        var reverseSent: Int?
        var reverseLost: Int?
        let lost = self.sent - self.received
        if lost == 0 {
            (forwardSent, forwardLost, reverseSent, reverseLost) = (self.sent, 0, self.received, 0)
            self.unattributedLoss = 0
        } else if stateful, let last = record.replies.max(by: { $0.reflectorSequence < $1.reflectorSequence }) {
            let numbered = Int(last.reflectorSequence) + 1  // packets the reflector counted, copies included
            let window = Int(last.senderSequence) + 1
            // Packets beyond the window that reached the reflector earlier (reordered) took numbers too.
            let beyond = Set(
                record.replies.filter { Int($0.senderSequence) >= window }.map(\.senderSequence)
            ).count
            let forwardReceived = max(0, numbered - forwardDuplicates - beyond)
            forwardSent = window
            forwardLost = max(0, window - forwardReceived)
            // Answers the reflector sent: every number it gave (copies that reached it twice got two); received: the
            // distinct numbers that came back in time, the answers to such copies included.
            let answered = Set(
                record.replies.filter { reply in
                    guard let sent = record.sendTimes[Int(reply.senderSequence)] else { return false }
                    return reply.receiveTime - sent <= record.timeout
                }.map(\.reflectorSequence)
            ).count
            reverseSent = numbered
            reverseLost = max(0, numbered - answered)
            self.unattributedLoss = max(0, lost - (forwardLost ?? 0) - (reverseLost ?? 0))
        } else {
            self.unattributedLoss = lost
        }

        self.forward = Self.direction(
            delays: forwardDelays.sorted { $0.sequence < $1.sequence }.map { (Int64($0.sequence), $0.delay) },
            consecutive: true, sent: forwardSent, lost: forwardLost, reordered: forwardReordered,
            arrivals: onTime.count, duplicates: forwardDuplicates)
        self.reverse = Self.direction(
            delays: reverseDelays.sorted { $0.order < $1.order }.map { ($0.order, $0.delay) },
            consecutive: stateful, sent: reverseSent, lost: reverseLost, reordered: reverseReordered,
            arrivals: onTime.count, duplicates: reverseDuplicates)

        // Clocks and publication.
        if let firstReply = onTime.first.map({ record.replies[$0] }) {
            var synchronized = true
            var error = firstReply.reflectorErrorEstimate.seconds
            for index in onTime {
                let estimate = record.replies[index].reflectorErrorEstimate
                synchronized = synchronized && estimate.isSynchronized
                error = max(error, estimate.seconds)
            }
            self.reflectorClock = ClockState(isSynchronized: synchronized, errorSeconds: error)
        } else {
            self.reflectorClock = nil
        }
        var ttls: [UInt8: Int] = [:]
        for index in onTime where record.replies[index].senderTTL != 255 {
            ttls[record.replies[index].senderTTL, default: 0] += 1
        }
        self.senderTTL = ttls.max { $0.value < $1.value }.map { Int($0.key) }
        self.forwardPublication = Self.publication(
            direction: "forward", delay: self.forward.delay, sender: record.senderErrorEstimate,
            reflector: self.reflectorClock, maximumErrorRatio: maximumErrorRatio)
        self.reversePublication = Self.publication(
            direction: "reverse", delay: self.reverse.delay, sender: record.senderErrorEstimate,
            reflector: self.reflectorClock, maximumErrorRatio: maximumErrorRatio)
    }

    /// The metrics of one direction from its delays in sending order (`order`: the sequence in that order).
    /// IPDV pairs need consecutive orders when `consecutive`, else adjacent entries.
    private static func direction(
        delays: [(order: Int64, delay: Double)], consecutive: Bool, sent: Int?, lost: Int?, reordered: Int,
        arrivals: Int, duplicates: Int
    ) -> DirectionMetrics {
        var ipdv: [Double] = []
        if delays.count >= 2 {
            for index in 1..<delays.count where !consecutive || delays[index].order == delays[index - 1].order + 1 {
                ipdv.append(abs(delays[index].delay - delays[index - 1].delay))
            }
        }
        let ipdvSummary = SampleSummary(ipdv)
        return DirectionMetrics(
            sent: sent, lost: lost, delay: SampleSummary(delays.map(\.delay)),
            pdv: PacketDelayVariation.of(delays.map(\.delay)), ipdvMeanAbsolute: ipdvSummary?.mean,
            ipdvP99Absolute: ipdvSummary?.p99, reordered: reordered, arrivals: arrivals, duplicates: duplicates)
    }

    private static func publication(
        direction: String, delay: SampleSummary?, sender: ErrorEstimate, reflector: ClockState?,
        maximumErrorRatio: Double
    ) -> Publication {
        guard let delay, let reflector else { return .withheld(reason: "no reply came back") }
        guard sender.isSynchronized else {
            return .withheld(
                reason:
                    "this host's clock is not synchronised (S = 0: adjtimex reports STA_UNSYNC), so one-way delay would include the clock offset"
            )
        }
        guard reflector.isSynchronized else {
            return .withheld(
                reason:
                    "the reflector reports an unsynchronised clock (S = 0), so one-way delay would include the clock offset"
            )
        }
        let combined = sender.seconds + reflector.errorSeconds
        guard delay.median > 0 else {
            return .withheld(
                reason:
                    "the median \(direction) delay is \(Self.milliseconds(delay.median)) ms, not positive: the clocks disagree by more than the delay"
            )
        }
        guard combined <= maximumErrorRatio * delay.median else {
            return .withheld(
                reason:
                    "the clocks' combined error bound ±\(Self.milliseconds(combined)) ms is more than \(Int((maximumErrorRatio * 100).rounded())) % of the median \(direction) delay \(Self.milliseconds(delay.median)) ms"
            )
        }
        return .published
    }

    private static func milliseconds(_ seconds: Double) -> String {
        let value = (seconds * 1e6).rounded() / 1e3
        return "\(value)"
    }
}
