import Testing

@testable import NetMonitor

@Suite("Reply matching and loss accounting (ProbeLedger)")
struct ProbeLedgerTests {
    let ms: Int64 = 1_000_000

    @Test("answers are matched by sequence; RTT is receive − send")
    func answered() {
        var ledger = ProbeLedger()
        ledger.recordSend(at: 1_000 * self.ms)
        ledger.recordSend(at: 1_010 * self.ms)
        #expect(
            ledger.recordReply(sequence: 1, cookieProbe: 1, at: 1_030 * self.ms, timeout: 1)
                == .answered(probe: 1, rtt: 0.020))
        #expect(
            ledger.recordReply(sequence: 0, cookieProbe: nil, at: 1_025 * self.ms, timeout: 1)
                == .answered(probe: 0, rtt: 0.025))
        #expect(ledger.rttsInSendOrder == [0.025, 0.020])
        #expect(ledger.counts == ProbeCounts(sent: 2, received: 2, duplicates: 0))
        #expect(ledger.pendingCount == 0)
    }

    @Test("a second copy is a duplicate, counted once and not as a reply")
    func duplicates() {
        var ledger = ProbeLedger()
        ledger.recordSend(at: 0)
        _ = ledger.recordReply(sequence: 0, cookieProbe: 0, at: 5 * self.ms, timeout: 1)
        #expect(
            ledger.recordReply(sequence: 0, cookieProbe: 0, at: 6 * self.ms, timeout: 1)
                == .duplicate(probe: 0, rtt: 0.006))
        #expect(
            ledger.recordReply(sequence: 0, cookieProbe: 0, at: 7 * self.ms, timeout: 1)
                == .duplicate(probe: 0, rtt: 0.007))
        #expect(ledger.counts == ProbeCounts(sent: 1, received: 1, duplicates: 2))
        #expect(ledger.rttsInSendOrder == [0.005])
    }

    @Test("a byte-swapped sequence (Windows style) does not match the probe whose cookie it carries")
    func byteSwapped() {
        var ledger = ProbeLedger()
        for index in 0..<300 { ledger.recordSend(at: Int64(index) * self.ms) }
        // Probe 1 answered with its sequence written little-endian: 0x0100 = 256, but the cookie says probe 1.
        #expect(ledger.recordReply(sequence: 256, cookieProbe: 1, at: 400 * self.ms, timeout: 1) == .unmatched)
        #expect(
            ledger.recordReply(sequence: 1, cookieProbe: 1, at: 400 * self.ms, timeout: 1)
                == .answered(probe: 1, rtt: 0.399))
        #expect(ledger.counts.received == 1)
    }

    @Test("a reply after the timeout is late: the probe stays lost (RFC 7680)")
    func late() {
        var ledger = ProbeLedger()
        ledger.recordSend(at: 0)
        ledger.recordSend(at: 0)
        let first = ledger.expire(0)
        let again = ledger.expire(0)
        #expect(first && !again)
        #expect(ledger.recordReply(sequence: 0, cookieProbe: 0, at: 2_000 * self.ms, timeout: 1) == .late(probe: 0))
        // Arrived after the timeout but before the expiry ran: still lost.
        #expect(ledger.recordReply(sequence: 1, cookieProbe: 1, at: 1_001 * self.ms, timeout: 1) == .late(probe: 1))
        #expect(ledger.counts == ProbeCounts(sent: 2, received: 0, duplicates: 0))
        #expect(ledger.counts.lossRatio == 1)
    }

    @Test("pending probes are left out of the counts; failed sends are lost")
    func pending() {
        var ledger = ProbeLedger()
        ledger.recordSend(at: 0)
        let second = ledger.recordSend(at: 0)
        ledger.markLost(second)
        #expect(ledger.pendingCount == 1)
        #expect(ledger.counts == ProbeCounts(sent: 1, received: 0, duplicates: 0))
    }

    @Test("sequence numbers wrap at 65536: the most recent probe with that sequence is chosen")
    func wrap() {
        var ledger = ProbeLedger()
        for _ in 0..<70_000 { ledger.recordSend(at: 0) }
        #expect(ledger.probe(forSequence: 5) == 65_541)
        #expect(ledger.probe(forSequence: 4_463) == 69_999)
        #expect(ledger.probe(forSequence: 4_464) == 4_464)
        #expect(ProbeLedger().probe(forSequence: 0) == nil)
        var short = ProbeLedger()
        short.recordSend(at: 0)
        #expect(short.probe(forSequence: 7) == nil)
        #expect(short.recordReply(sequence: 7, cookieProbe: nil, at: 0, timeout: 1) == .unmatched)
    }

    @Test("payload cookie: nonce and probe number round-trip; other nonces are foreign; short payloads carry none")
    func payloadCookie() {
        let scheme = ProbePayload(nonce: 0x0123_4567_89AB_CDEF)
        var bytes = [UInt8](repeating: 0, count: 56)
        bytes.withUnsafeMutableBytes { scheme.write(probe: 70_000, into: $0) }
        #expect(Array(bytes[0..<8]) == [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF])
        #expect(scheme.read(bytes) == .probe(70_000))
        #expect(ProbePayload(nonce: 1).read(bytes) == .foreign)
        #expect(scheme.read(bytes.prefix(15)) == .noCookie)
    }
}

@Suite("fping-style schedule (ProbeScheduler)")
struct ProbeSchedulerTests {
    @Test("3 targets, period 50 ms, interval 1 ms: rounds of three sends 1 ms apart, 50 ms between rounds")
    func rounds() {
        var scheduler = ProbeScheduler(targetCount: 3, count: 2, period: 0.050, interval: 0.001, start: 0)
        var plan: [(Int, Int64)] = []
        while let next = scheduler.next() { plan.append((next.target, next.time)) }
        let ms: Int64 = 1_000_000
        #expect(plan.map(\.0) == [0, 1, 2, 0, 1, 2])
        #expect(plan.map(\.1) == [0, 1 * ms, 2 * ms, 50 * ms, 51 * ms, 52 * ms])
        let after = scheduler.next()
        #expect(after == nil)
    }

    @Test("when targets × interval exceeds the period, rounds stretch to targets × interval (as fping)")
    func stretched() {
        var scheduler = ProbeScheduler(targetCount: 100, count: 3, period: 0.050, interval: 0.001, start: 0)
        var times: [Int: [Int64]] = [:]
        while let next = scheduler.next() { times[next.target, default: []].append(next.time) }
        #expect(times[0] == [0, 100_000_000, 200_000_000])
        #expect(times[99] == [99_000_000, 199_000_000, 299_000_000])
    }

    @Test("1,000 targets at 10 Hz with a 100 µs interval: 10,000 sends/s exactly on plan")
    func tenThousandPerSecond() {
        var scheduler = ProbeScheduler(targetCount: 1_000, count: 10, period: 0.100, interval: 0.0001, start: 0)
        var last: Int64 = -1
        var count = 0
        while let next = scheduler.next() {
            #expect(next.time == Int64(count) * 100_000)
            last = next.time
            count += 1
        }
        #expect(count == 10_000)
        #expect(last == 999_900_000)
    }
}
