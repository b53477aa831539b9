import Foundation
import NetmonProtocol
import Testing

/// `ProbeRoundBatch.decodeFast` against `JSONDecoder` on the same bytes: whenever the fast decoder returns a batch it
/// must equal JSONDecoder's, and whatever JSONDecoder rejects the fast decoder must not accept.
@Suite("Fast ProbeRoundBatch decoding agrees with JSONDecoder")
struct FastWireDecodingTests {
    static func slow(_ data: Data) -> ProbeRoundBatch? {
        try? WireCoding.makeDecoder().decode(ProbeRoundBatch.self, from: data)
    }
    static func fast(_ data: Data) -> ProbeRoundBatch? { data.withUnsafeBytes { ProbeRoundBatch.decodeFast($0) } }

    /// Seeded random batches as probes write them.
    static func randomBatch(_ random: inout SplitMix) -> ProbeRoundBatch {
        let probe = "probe-\(10_000 + random.next() % 90_000)"
        let targets = ["hub", "portal", "meeting", "lgsp", "dns", "cổng-dịch-vụ"]
        let rounds = (0..<Int(random.next() % 40)).map { i -> ProbeRound in
            let sent = Int(random.next() % 25)
            let received = sent == 0 ? 0 : Int(random.next() % UInt64(sent + 1))
            let rtts = (0..<received).map { _ in
                Double(random.next() % 1_000_000_000) / 1e9 / Double(1 + random.next() % 7)
            }
            .sorted()
            let kind = ["icmp", "tcp", "passive", "stamp"][Int(random.next() % 4)]
            return ProbeRound(
                probeID: probe, sequence: Int64(random.next() % 1_000_000_000_000), commune: String(11_953 + i),
                target: targets[Int(random.next() % UInt64(targets.count))], address: "10.33.\(i % 250).1",
                kind: kind,
                start: Date(timeIntervalSince1970: Double(1_700_000_000 + random.next() % 100_000_000)),
                stepSeconds: [60, 15, 0.5, 300][Int(random.next() % 4)], sent: sent, received: received,
                rttSeconds: rtts,
                jitterSeconds: received >= 2 ? Double(random.next() % 1_000_000) / 1e9 : nil,
                directions: kind == "stamp" ? Self.randomDirections(&random, sent: sent) : nil)
        }
        let health =
            random.next() % 2 == 0
            ? ProbeHealthReport(
                outboxPending: Int(random.next() % 5000), captureDropsTotal: random.next() % 2 == 0 ? nil : 17,
                sentAt: Date(timeIntervalSince1970: 1_780_000_000))
            : nil
        return ProbeRoundBatch(probeID: probe, rounds: rounds, health: health)
    }

    /// A STAMP breakdown with every optional field present or not at random.
    static func randomDirections(_ random: inout SplitMix, sent: Int) -> RoundDirections {
        func seconds(_ random: inout SplitMix) -> Double? {
            random.next() % 3 == 0 ? nil : Double(random.next() % 50_000_000) / 1e9
        }
        func figures(_ random: inout SplitMix) -> DirectionFigures {
            let attributed = random.next() % 2 == 0
            let lost = sent == 0 ? 0 : Int(random.next() % UInt64(sent + 1))
            let published = random.next() % 2 == 0
            return DirectionFigures(
                sent: attributed ? sent : nil, lost: attributed ? lost : nil,
                delayMinSeconds: published ? 0.001 : nil, delayMedianSeconds: published ? seconds(&random) : nil,
                delayMaxSeconds: published ? 0.09 : nil,
                delayWithheld: published ? nil : "the reflector reports an unsynchronised clock (±16 ms)",
                pdvSeconds: seconds(&random), ipdvMeanSeconds: seconds(&random), ipdvP99Seconds: seconds(&random),
                reordered: Int(random.next() % 3), duplicates: Int(random.next() % 2))
        }
        return RoundDirections(
            forward: figures(&random), reverse: figures(&random), unattributedLoss: Int(random.next() % 2),
            reflectorMode: random.next() % 2 == 0 ? "stateful" : "sequence-copied")
    }

    @Test("random batches as probes encode them: fast path taken, equal to JSONDecoder and to the original")
    func randomBatches() throws {
        var random = SplitMix(seed: 7)
        let encoder = WireCoding.makeEncoder()
        for _ in 0..<300 {
            let batch = Self.randomBatch(&random)
            let data = try encoder.encode(batch)
            let fast = try #require(
                Self.fast(data), "fast path refused \(String(decoding: data, as: UTF8.self).prefix(300))")
            #expect(fast == Self.slow(data))
            #expect(fast == batch)
        }
    }

    @Test("whitespace, key order, unknown keys and null jitter stay on the fast path")
    func variants() throws {
        let texts = [
            #"{"rounds":[],"probe_id":"p"}"#,
            " \n{ \"probe_id\" : \"p\" ,\t\"rounds\" : [ ] , \"extra\": {\"a\": [1, 2.5e3, true, false, null, \"x\"]} }\r\n",
            #"{"probe_id":"p","rounds":[{"sequence":1,"probe_id":"p","commune":"11953","target":"hub","address":"10.33.0.1","kind":"icmp","start":"2026-11-29T06:00:00Z","step_seconds":60,"sent":3,"received":2,"rtt_seconds":[0.001,1e-3,0.0125],"jitter_seconds":null,"future":[{"k":1}]}],"health":null}"#,
            #"{"probe_id":"p","rounds":[{"probe_id":"p","sequence":-0,"commune":"Xã Phụng Công","target":"hub","address":"::1","kind":"tcp","start":"2024-02-29T23:59:59Z","step_seconds":0.5,"sent":0,"received":0,"rtt_seconds":[]}]}"#,
        ]
        for text in texts {
            let data = Data(text.utf8)
            let fast = try #require(Self.fast(data), "fast path refused \(text)")
            #expect(fast == Self.slow(data), "\(text)")
        }
    }

    @Test("escapes, other time forms, duplicates, wrong types and broken JSON leave the fast path or agree")
    func slowPathInputs() throws {
        let round =
            #"{"probe_id":"p","sequence":1,"commune":"1","target":"hub","address":"a","kind":"icmp","start":"2026-11-29T06:00:00Z","step_seconds":60,"sent":3,"received":2,"rtt_seconds":[0.1,0.2]}"#
        let cases = [
            #"{"probe_id":"p\u0041","rounds":[]}"#,
            #"{"probe_id":"p","rounds":[\#(round.replacingOccurrences(of: "06:00:00Z", with: "06:00:00.250Z"))]}"#,
            #"{"probe_id":"p","rounds":[\#(round.replacingOccurrences(of: "06:00:00Z", with: "13:00:00+07:00"))]}"#,
            #"{"probe_id":"p","probe_id":"q","rounds":[]}"#,
            #"{"probe_id":"p","rounds":[\#(round.replacingOccurrences(of: #""sent":3"#, with: #""sent":3.0"#))]}"#,
            #"{"probe_id":"p","rounds":[\#(round.replacingOccurrences(of: #""kind":"icmp","#, with: ""))]}"#,
            #"{"probe_id":"p","rounds":[\#(round)]} x"#,
            #"{"probe_id":"p","rounds":[\#(round.replacingOccurrences(of: "0.1,", with: "01,"))]}"#,
            #"{"probe_id":"p","rounds":[\#(round.replacingOccurrences(of: "0.1,", with: "1e999,"))]}"#,
            #"{"probe_id":"p","rounds":[\#(round.replacingOccurrences(of: "2026-11-29", with: "2026-02-30"))]}"#,
            #"{"probe_id":"p","rounds":[\#(round)],}"#,
            #"["probe_id"]"#,
        ]
        for text in cases {
            let data = Data(text.utf8)
            if let fast = Self.fast(data) { #expect(fast == Self.slow(data), "\(text)") }
        }
        // Every prefix and every single-byte change of a valid batch: never accepted unless JSONDecoder agrees.
        let valid = Data(
            #"{"probe_id":"p","rounds":[\#(round)],"health":{"outbox_pending":3,"sent_at":"2026-11-29T06:00:00Z"}}"#
                .utf8)
        #expect(Self.fast(valid) != nil && Self.fast(valid) == Self.slow(valid))
        var checked = 0
        for length in 0..<valid.count {
            let prefix = valid.prefix(length)
            if let fast = Self.fast(prefix) { #expect(fast == Self.slow(prefix)) }
            checked += 1
        }
        for position in valid.indices {
            for replacement in [
                UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "9"), 0x00, 0xC3,
                UInt8(ascii: " "),
            ] {
                var mutated = valid
                mutated[position] = replacement
                let fast = Self.fast(mutated)
                if let fast { #expect(fast == Self.slow(mutated), "byte \(position) → \(replacement)") }
                checked += 1
            }
        }
        #expect(checked > 1000)
    }
}

/// A small seeded generator (SplitMix64) so failures reproduce.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
