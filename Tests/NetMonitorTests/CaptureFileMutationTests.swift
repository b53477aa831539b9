import Foundation
import NetMonitor
import NetmonLab
import TestSupport
import Testing

/// Seeded random damage to capture files as `netmon analyze` reads them (`OfflineAnalysis`, libpcap underneath):
/// a synthetic pcap, the same frames as pcapng, and the real captures of the shared data. Bytes anywhere and the
/// record headers in particular (lengths, timestamps, block types): the result is a report that encodes to valid
/// JSON, or an error that says what and at which packet; never a crash. The seed is in the arguments.
@Suite struct CaptureFileMutationTests {
    static let synthetic = SyntheticCapture(
        flows: [
            SyntheticTCPFlow(
                client: "10.33.1.20", clientPort: 40_000, server: "10.33.0.10", serverPort: 443, clientSideRTT: 2,
                serverSideRTT: 30, start: 0, exchanges: 6, timestamps: true, lostRequests: [2])
        ],
        pingers: [
            SyntheticPinger(
                source: "10.33.1.1", destination: "10.33.0.53", identifier: 7, count: 5, interval: 200, rtt: 25,
                lost: [3])
        ])

    /// The synthetic frames as a pcap file (nanosecond timestamps, as PcapFileWriter writes them).
    static func pcap() throws -> [UInt8] {
        let path = CaptureFixtures.temporaryPath("netmon-mutation", extension: "pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.synthetic.write(to: path)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The synthetic frames as pcapng: a section header, one Ethernet interface, one enhanced packet block each.
    static func pcapng() -> [UInt8] {
        var out: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        u32(0x0A0D_0D0A)
        u32(28)
        u32(0x1A2B_3C4D)
        u16(1)
        u16(0)
        u32(0xFFFF_FFFF)
        u32(0xFFFF_FFFF)
        u32(28)
        u32(1)
        u32(20)
        u16(1)
        u16(0)
        u32(0)
        u32(20)
        for frame in Self.synthetic.frames() {
            let padded = (frame.bytes.count + 3) / 4 * 4
            let micros = UInt64(frame.time / 1000)
            u32(6)
            u32(UInt32(32 + padded))
            u32(0)
            u32(UInt32(micros >> 32))
            u32(UInt32(micros & 0xFFFF_FFFF))
            u32(UInt32(frame.bytes.count))
            u32(UInt32(frame.bytes.count))
            out += frame.bytes + [UInt8](repeating: 0, count: padded - frame.bytes.count)
            u32(UInt32(32 + padded))
        }
        return out
    }

    /// Where each record header starts: after the 24-byte file header, each record is 16 bytes of header and its
    /// captured bytes (pcap); blocks carry their length at +4 (pcapng).
    static func headerOffsets(_ bytes: [UInt8], pcapng: Bool) -> [Int] {
        func u32(_ at: Int) -> Int {
            guard at + 4 <= bytes.count else { return 0 }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        var offsets: [Int] = []
        var at = pcapng ? 0 : 24
        while at + 16 <= bytes.count && offsets.count < 10_000 {
            offsets.append(at)
            let step = pcapng ? u32(at + 4) : 16 + u32(at + 8)
            guard step > 0 else { break }
            at += step
        }
        return offsets
    }

    struct Sample: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var pcapng: Bool
        var testDescription: String { self.name }
    }

    static var samples: [Sample] {
        var samples: [Sample] = []
        if let pcap = try? Self.pcap() { samples.append(Sample(name: "synthetic pcap", bytes: pcap, pcapng: false)) }
        samples.append(Sample(name: "synthetic pcapng", bytes: Self.pcapng(), pcapng: true))
        if RepositoryData.hasSharedData {
            for name in ["chrissanders-ppa1e-icmp.pcap", "zeek-icmp6-ping.pcap", "zeek-tcp-timestamp.pcap"] {
                if let data = FileManager.default.contents(atPath: CaptureFixtures.pcap(name)) {
                    samples.append(Sample(name: name, bytes: Array(data), pcapng: false))
                }
            }
        }
        return samples
    }

    @Test(
        "the real captures are in the mutated set",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"))
    func sharedSamplesPresent() {
        #expect(Self.samples.count == 5)
    }

    static let alphabet: [UInt8] = [
        0x00, 0x01, 0x02, 0x04, 0x06, 0x08, 0x0A, 0x11, 0x3C, 0x40, 0x45, 0x60, 0x7F, 0x80, 0xFF,
    ]
    static let hostileLengths: [UInt32] = [
        0, 1, 13, 14, 15, 0x3FFF, 0x4_0000, 0x4_0001, 0x7FFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFF0,
    ]

    enum Outcome: Hashable { case report, error }

    static func analyze(_ bytes: [UInt8], path: String, _ note: String) throws -> Outcome {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = OfflineAnalysis.runSynchronously(path: path)
        let json = result.report.jsonBytes()
        #expect(
            (try? JSONSerialization.jsonObject(with: Data(json))) != nil,
            "\(note): the report is not valid JSON: \(String(decoding: json.prefix(300), as: UTF8.self))")
        #expect(result.report.packets >= 0 && result.report.malformed <= result.report.packets, "\(note)")
        guard let error = result.error else { return .report }
        #expect(!error.message.isEmpty && error.source == path, "\(note): \(error)")
        if error.code == .corruptFile {
            #expect(error.packetNumber != nil, "\(note): \(error) does not say at which packet")
        }
        return .error
    }

    @Test("regression: a pcapng packet stamped in year 584,000 (timestamp high word 0xFFFFFFFF) is read, not a trap")
    func hugePcapngTimestamp() throws {
        var bytes = Self.pcapng()
        // The first enhanced packet block starts after the 28-byte section header and 20-byte interface block;
        // its timestamp's high word is 12 bytes in.
        bytes.replaceSubrange(60..<64, with: [0xFF, 0xFF, 0xFF, 0xFF])
        let path = CaptureFixtures.temporaryPath("netmon-mutation", extension: "pcapng")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Self.analyze(bytes, path: path, "huge timestamp") == .report)
    }

    @Test("seeded byte and record-header mutations of pcap and pcapng files", arguments: samples)
    func mutated(sample: Sample) throws {
        let seed = UInt64(71 + sample.name.utf8.count)
        print("CaptureFileMutationTests(\(sample.name)): seed \(seed)")
        let path = CaptureFixtures.temporaryPath("netmon-mutation", extension: sample.pcapng ? "pcapng" : "pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Self.analyze(sample.bytes, path: path, "\(sample.name) unmutated") == .report)
        let headers = Self.headerOffsets(sample.bytes, pcapng: sample.pcapng)
        #expect(headers.count > 3)
        var random = SplitMix64(seed: seed)
        var outcomes: [Outcome: Int] = [:]
        for iteration in 0..<200 {
            var bytes: [UInt8]
            if Bool.random(using: &random) {
                bytes = InputMutation.bytes(sample.bytes, alphabet: Self.alphabet, using: &random)
            } else {
                bytes = sample.bytes
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    // A 32-bit field of a record header (or of the file header) set to a hostile length.
                    let base = Bool.random(using: &random) ? 0 : headers.randomElement(using: &random) ?? 0
                    let field = base + 4 * Int.random(in: 0..<(sample.pcapng ? 7 : 4), using: &random)
                    guard field + 4 <= bytes.count else { continue }
                    let value = Self.hostileLengths.randomElement(using: &random) ?? 0
                    withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(field..<(field + 4), with: $0) }
                }
            }
            let note = "seed \(seed) iteration \(iteration) of \(sample.name)"
            outcomes[try Self.analyze(bytes, path: path, note), default: 0] += 1
        }
        #expect((outcomes[.report] ?? 0) > 0 && (outcomes[.error] ?? 0) > 0)
    }
}
