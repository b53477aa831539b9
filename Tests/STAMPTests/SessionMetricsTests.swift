import Testing

@testable import STAMP

/// One millisecond in nanoseconds.
private let ms: Int64 = 1_000_000

/// The per-direction metrics on records made by hand, where every answer is known.
@Suite("STAMP session metrics and reflector sessions")
struct SessionMetricsTests {
    static let synced = ErrorEstimate(isSynchronized: true, errorSeconds: 1e-6)

    /// A record of `count` packets sent 10 ms apart; `reply(s)` gives (reflector sequence, forward ms, reverse ms)
    /// or nil for a packet that did not come back. Reflector residence 0.1 ms.
    static func record(
        count: Int, reflector: ErrorEstimate = synced, _ reply: (Int) -> (UInt32, Int64, Int64)?
    ) -> STAMPSessionRecord {
        let start: Int64 = 1_767_225_600_000_000_000
        var replies: [STAMPSessionRecord.Reply] = []
        for sequence in 0..<count {
            guard let (reflectorSequence, forward, reverse) = reply(sequence) else { continue }
            let t1 = start + Int64(sequence) * 10 * ms
            let t2 = t1 + forward
            let t3 = t2 + ms / 10
            replies.append(
                .init(
                    senderSequence: UInt32(sequence), reflectorSequence: reflectorSequence, reflectorReceiveTime: t2,
                    reflectorSendTime: t3, receiveTime: t3 + reverse, reflectorErrorEstimate: reflector, senderTTL: 63))
        }
        return STAMPSessionRecord(
            sendTimes: (0..<count).map { start + Int64($0) * 10 * ms }, senderErrorEstimate: synced,
            replies: replies.sorted { $0.receiveTime < $1.receiveTime }, timeout: 1_000 * ms)
    }

    @Test("stateful reflector: forward loss from its counter's gaps, reverse loss from missing answers")
    func directionalLoss() {
        // Packets 3 and 11 lost forward (the reflector never numbered them); answers to 6 and 15 lost on the way back.
        let forwardLost: Set<Int> = [3, 11]
        let reverseLost: Set<Int> = [6, 15]
        let record = Self.record(count: 20) { sequence in
            if forwardLost.contains(sequence) { return nil }
            let number = UInt32(sequence - forwardLost.filter { $0 < sequence }.count)
            return reverseLost.contains(sequence) ? nil : (number, 5 * ms, 2 * ms)
        }
        let metrics = STAMPSessionMetrics(record)
        #expect(metrics.reflectorMode == STAMPSessionMetrics.ReflectorMode.stateful)
        #expect(metrics.sent == 20 && metrics.received == 16 && metrics.lost == 4)
        #expect(metrics.forward.sent == 20 && metrics.forward.lost == 2)
        #expect(metrics.reverse.sent == 18 && metrics.reverse.lost == 2)
        #expect(metrics.unattributedLoss == 0)
        #expect(metrics.forward.delay?.median == 0.005 && metrics.reverse.delay?.median == 0.002)
        #expect(metrics.roundTrip?.median == 0.007)
        #expect(metrics.forwardPublication.isPublished && metrics.reversePublication.isPublished)
        #expect(metrics.senderTTL == 63)
    }

    @Test("loss after the reflector's last count is unattributed; a stateless reflector's loss has no direction")
    func unattributed() {
        let tail = Self.record(count: 10) { $0 >= 8 ? nil : (UInt32($0), ms, ms) }
        let stateful = STAMPSessionMetrics(tail, assumeStateful: true)
        #expect(stateful.forward.lost == 0 && stateful.reverse.lost == 0 && stateful.unattributedLoss == 2)
        let stateless = STAMPSessionMetrics(Self.record(count: 10) { $0 == 4 ? nil : (UInt32($0), ms, ms) })
        #expect(stateless.reflectorMode == STAMPSessionMetrics.ReflectorMode.sequenceCopied)
        #expect(stateless.forward.lost == nil && stateless.reverse.lost == nil && stateless.unattributedLoss == 1)
        #expect(stateless.forward.lossRatio == nil)
    }

    @Test("duplicates: same T2 = copied on the way back, another T2 = reached the reflector twice; late replies")
    func duplicatesAndLate() {
        var record = Self.record(count: 5) { (UInt32($0), ms, ms) }
        var reverseCopy = record.replies[1]
        reverseCopy.receiveTime += 1_000
        var forwardCopy = record.replies[2]
        forwardCopy.reflectorReceiveTime += 50_000
        forwardCopy.reflectorSendTime += 50_000
        forwardCopy.receiveTime += 50_000
        record.replies += [reverseCopy, forwardCopy]
        record.replies[4].receiveTime += 2_000 * ms  // past the 1 s wait
        let metrics = STAMPSessionMetrics(record)
        #expect(metrics.reverse.duplicates == 1 && metrics.forward.duplicates == 1)
        #expect(metrics.received == 4 && metrics.late == 1 && metrics.lost == 1)
    }

    @Test("stateful reflector, a packet that reached it twice: one forward duplicate, its answer not a reverse loss")
    func statefulForwardDuplicate() throws {
        // Packet 2 reached the reflector twice (numbers 2 and 3), both answers came back; 3 got number 4; nothing
        // came back for 4 (after the window: direction unknown).
        var record = Self.record(count: 5) { sequence in
            sequence == 4 ? nil : (UInt32(sequence < 3 ? sequence : sequence + 1), ms, ms)
        }
        var copy = try #require(record.replies.first { $0.senderSequence == 2 })
        copy.reflectorSequence = 3
        copy.reflectorReceiveTime += 20_000
        copy.reflectorSendTime += 20_000
        copy.receiveTime += 20_000
        record.replies.append(copy)
        let metrics = STAMPSessionMetrics(record)
        #expect(metrics.forward.duplicates == 1 && metrics.reverse.duplicates == 0)
        #expect(metrics.forward.sent == 4 && metrics.forward.lost == 0)
        #expect(metrics.reverse.sent == 5 && metrics.reverse.lost == 0)
        #expect(metrics.lost == 1 && metrics.unattributedLoss == 1)
    }

    @Test("reordering (RFC 4737) in each direction")
    func reordering() throws {
        // Forward: packet 2 took 15 ms, so the reflector got (and numbered and answered) 3 first. Reverse: the
        // answers to 5 and 6 arrived swapped.
        var record = Self.record(count: 8) { sequence in
            let number: UInt32 = sequence == 2 ? 3 : sequence == 3 ? 2 : UInt32(sequence)
            return (number, sequence == 2 ? 15 * ms : ms, ms)
        }
        let five = try #require(record.replies.firstIndex { $0.senderSequence == 5 })
        let six = try #require(record.replies.firstIndex { $0.senderSequence == 6 })
        record.replies.swapAt(five, six)
        let metrics = STAMPSessionMetrics(record)
        #expect(metrics.forward.reordered == 1)
        #expect(metrics.reverse.reordered == 1)
        #expect(Reordering.count([1, 2, 4, 3, 5, 0]) == 2)
    }

    @Test("one-way delay withheld: unsynchronised reflector, large error, clock offset; PDV and IPDV still given")
    func publication() {
        let unsynced = ErrorEstimate(isSynchronized: false, errorSeconds: 1e-6)
        let a = STAMPSessionMetrics(
            Self.record(count: 4, reflector: unsynced) { (UInt32($0), 5 * ms + Int64($0) * 10_000, ms) })
        #expect(a.forwardPublication.reason?.contains("reflector reports an unsynchronised clock") == true)
        #expect(a.reversePublication.isPublished == false)
        #expect(abs((a.forward.pdv ?? 0) - 0.000_03) < 1e-12)
        #expect(abs((a.forward.ipdvMeanAbsolute ?? 0) - 0.000_01) < 1e-12)
        let coarse = ErrorEstimate(isSynchronized: true, errorSeconds: 0.001)
        let b = STAMPSessionMetrics(Self.record(count: 4, reflector: coarse) { (UInt32($0), 5 * ms, 20 * ms) })
        #expect(b.forwardPublication.reason?.contains("more than 10 % of the median forward delay") == true)
        #expect(b.reversePublication.isPublished)
        let c = STAMPSessionMetrics(Self.record(count: 4) { (UInt32($0), -2 * ms, 6 * ms) })
        #expect(c.forwardPublication.reason?.contains("not positive") == true)
        #expect(c.roundTrip?.median == 0.004)
    }

    @Test("reflector sessions: one counter per sender and SSID, forgotten when idle, oldest evicted when full")
    func sessions() throws {
        var sessions = ReflectorSessions(idleTimeout: 1_000, capacity: 2)
        let a = ReflectorSessions.Key(sender: try #require(STAMPEndpoint(parsing: "198.18.0.1:4000")), ssid: 0)
        let b = ReflectorSessions.Key(sender: try #require(STAMPEndpoint(parsing: "198.18.0.1:4001")), ssid: 0)
        let c = ReflectorSessions.Key(sender: a.sender, ssid: 7)
        #expect(sessions.nextSequence(for: a, now: 0) == 0)
        #expect(sessions.nextSequence(for: a, now: 10) == 1)
        #expect(sessions.nextSequence(for: b, now: 20) == 0)
        #expect(sessions.nextSequence(for: a, now: 30) == 2)
        #expect(sessions.nextSequence(for: c, now: 40) == 0)  // full: b, idle longest, gives way
        #expect(sessions.count == 2)
        #expect(sessions.nextSequence(for: a, now: 50) == 3)
        #expect(sessions.nextSequence(for: b, now: 60) == 0)
        #expect(sessions.nextSequence(for: a, now: 5_000) == 0)  // idle past the timeout: a new session
    }

    @Test("endpoints parse with and without ports, IPv6 in brackets")
    func endpoints() {
        #expect(STAMPEndpoint(parsing: "198.18.0.2")?.description == "198.18.0.2:862")
        #expect(STAMPEndpoint(parsing: "198.18.0.2:9000")?.port == 9000)
        #expect(STAMPEndpoint(parsing: "[fd00::2]:9000")?.description == "[fd00::2]:9000")
        #expect(STAMPEndpoint(parsing: "fd00::2")?.port == 862)
        #expect(STAMPEndpoint(parsing: "[fd00::2") == nil)
        #expect(STAMPEndpoint(parsing: "198.18.0.2:70000") == nil)
        #expect(STAMPEndpoint(parsing: "0.0.0.0")?.isWildcard == true)
        #expect(STAMPEndpoint(parsing: "[::]")?.isWildcard == true)
    }
}
