import Foundation
import NetMonitor
import TestSupport
import Testing

/// netmon against tshark 4.0.17 on the real captures in shared/data/pcaps (skipped without them).
///
/// How RTTs are compared. tshark's `tcp.analysis.ack_rtt` is attributed to the side that sent the ACK carrying
/// it (an ACK sent by the server closes a sample of capture point → server → capture point), and netmon's
/// `server_rtt_ms` / `client_rtt_ms` medians are compared with the medians of those tshark samples:
/// - flows without TCP timestamps use netmon's sequence/ack fallback, which is tshark's definition (an ACK that
///   exactly ends a segment) plus Karn's rule and capture-duplicate removal: the sample counts and medians must
///   match exactly (to the microsecond);
/// - flows with timestamps use pping's method (first sighting of a TSval → its first echo), which measures from the
///   first segment of a burst that shares one TSval, where tshark measures from the segment the ACK closes: the
///   medians must agree within 10 % or 0.5 ms, whichever is larger.
@Suite("Real captures against tshark")
struct RealCaptureTests {
    struct TCPCase: Sendable, CustomStringConvertible {
        var name: String
        var usesTimestamps: Bool
        var description: String { self.name }
    }

    static let tcpCases = [
        TCPCase(name: "zeek-tcp-timestamp", usesTimestamps: true),
        TCPCase(name: "zeek-tcp-ssh-dups", usesTimestamps: true),
        TCPCase(name: "zeek-http-m57-long-49583-80", usesTimestamps: false),
    ]

    func analyze(_ name: String) async throws -> CaptureReport {
        let result = await OfflineAnalysis.run(path: CaptureFixtures.pcap(name))
        #expect(result.error == nil, "\(name): \(String(describing: result.error))")
        return result.report
    }

    @Test(
        "handshake RTT and RTT medians per side",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"), arguments: tcpCases)
    func rtts(_ testCase: TCPCase) async throws {
        let report = try await self.analyze("\(testCase.name).pcap")
        let rows = try readTsharkTSV(CaptureFixtures.pcap("\(testCase.name).tshark-tcp.tsv"))
        #expect(report.packets == rows.count)
        #expect(report.malformed == 0)
        try #require(report.flows.count == 1)
        let flow = report.flows[0]
        // The first row is the client's SYN in all three files.
        #expect(flow.client == rows[0]["ip.src"])
        #expect(flow.clientPort == UInt16(rows[0]["tcp.srcport"]))
        #expect(flow.rttMethod == (testCase.usesTimestamps ? .timestamps : .sequenceAcknowledgement))

        // Handshake: tshark's ack_rtt on the SYN-ACK (the first server row acknowledging 1 with sequence 0).
        let synAck = try #require(
            rows.first { $0["ip.src"] == flow.server && $0["tcp.seq"] == "0" && $0["tcp.ack"] == "1" })
        let tsharkHandshake = try #require(synAck.double("tcp.analysis.ack_rtt")) * 1000
        let handshake = try #require(flow.handshakeRTTMilliseconds)
        // netmon measures from the last SYN before the SYN-ACK, tshark from the first: in m57 the SYN is in the
        // file twice, 1 µs apart.
        #expect(abs(handshake - tsharkHandshake) <= 0.002, "handshake \(handshake) vs tshark \(tsharkHandshake)")

        for (side, summary) in [("server", flow.serverRTT), ("client", flow.clientRTT)] {
            let sender = side == "server" ? flow.server : flow.client
            let reference = rows.filter { $0["ip.src"] == sender }.compactMap { $0.double("tcp.analysis.ack_rtt") }.map
            { $0 * 1000 }
            let summary = try #require(summary, "\(side) RTT has samples")
            let expected = median(reference)
            if testCase.usesTimestamps {
                #expect(
                    abs(summary.median - expected) <= max(0.1 * expected, 0.5),
                    "\(side): netmon \(summary.median) vs tshark \(expected)")
            } else {
                #expect(summary.samples == reference.count, "\(side) sample count")
                #expect(
                    abs(summary.median - expected) <= 0.001, "\(side): netmon \(summary.median) vs tshark \(expected)")
                #expect(abs(summary.min - reference.min()!) <= 0.001)
            }
        }
    }

    /// tshark flags `retransmission || out_of_order`. Every such frame in these files is a copy of the frame
    /// before it in its direction (same sequence, ACK, length and timestamps, ≤ 0.1 ms later; netmon also compares
    /// IP ID and window, which the TSV lacks, hence the tighter time here): the capture saw the packet twice (m57)
    /// or four times (ssh-dups). netmon counts those as duplicates and skips them, so
    /// tshark's count = netmon's retransmissions + the flagged frames that are copies; the flagged zero-length
    /// copies are SYNs and FINs (which netmon never counts as retransmissions: they carry no data).
    @Test(
        "retransmissions against tshark, duplicates explained",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"), arguments: tcpCases)
    func retransmissions(_ testCase: TCPCase) async throws {
        let report = try await self.analyze("\(testCase.name).pcap")
        let rows = try readTsharkTSV(CaptureFixtures.pcap("\(testCase.name).tshark-tcp.tsv"))
        let flow = try #require(report.flows.first)
        var previous: [String: TsharkRow] = [:]
        var flagged = 0, flaggedCopies = 0, flaggedDataNotCopies = 0, copies = 0
        let key = ["tcp.seq", "tcp.ack", "tcp.len", "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr"]
        for row in rows {
            let direction = row["ip.src"]
            var isCopy = false
            if let before = previous[direction], key.allSatisfy({ before[$0] == row[$0] }),
                let t0 = before.double("frame.time_epoch"), let t1 = row.double("frame.time_epoch"), t1 - t0 <= 0.000_1
            {
                isCopy = true
                copies += 1
            }
            previous[direction] = row
            let isFlagged = row["tcp.analysis.retransmission"] == "1" || row["tcp.analysis.out_of_order"] == "1"
            if isFlagged {
                flagged += 1
                if isCopy { flaggedCopies += 1 } else if (row.int("tcp.len") ?? 0) > 0 { flaggedDataNotCopies += 1 }
            }
        }
        #expect(flow.duplicates == copies, "netmon duplicates \(flow.duplicates) vs copies in the TSV \(copies)")
        #expect(
            flow.retransmissions == flaggedDataNotCopies, "tshark flagged \(flagged), of which \(flaggedCopies) copies")
        #expect(flagged == flow.retransmissions + flaggedCopies, "every flagged frame is a retransmission or a copy")
    }

    struct ICMPCase: Sendable, CustomStringConvertible {
        var name: String
        var pingers: Int
        var description: String { self.name }
    }

    /// Per pinger, the RTT samples equal tshark's `icmp.resptime` / `icmpv6.resptime` (to the microsecond). The
    /// Windows pings of ppa1e write the sequence number little-endian (256, 512, … read big-endian): matching uses
    /// the 16 bits as they are, so byte order does not matter.
    @Test(
        "ICMP echo RTTs against tshark",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"),
        arguments: [
            ICMPCase(name: "zeek-icmp-5-pings", pingers: 1), ICMPCase(name: "zeek-icmp6-ping", pingers: 1),
            ICMPCase(name: "chrissanders-ppa1e-icmp", pingers: 2),
        ])
    func icmp(_ testCase: ICMPCase) async throws {
        let report = try await self.analyze("\(testCase.name).pcap")
        let rows = try readTsharkTSV(CaptureFixtures.pcap("\(testCase.name).tshark-icmp.tsv"))
        #expect(report.packets == rows.count)
        #expect(report.icmp.count == testCase.pingers)
        for pinger in report.icmp {
            let replies = rows.filter { row in
                let source = row["ip.src"].isEmpty ? row["ipv6.src"] : row["ip.src"]
                let destination = row["ip.dst"].isEmpty ? row["ipv6.dst"] : row["ip.dst"]
                return source == pinger.destination && destination == pinger.source
            }
            let reference = replies.compactMap { $0.double("icmp.resptime") ?? $0.double("icmpv6.resptime") }
            let requests = rows.filter {
                ($0["ip.src"].isEmpty ? $0["ipv6.src"] : $0["ip.src"]) == pinger.source
                    && ($0["ip.dst"].isEmpty ? $0["ipv6.dst"] : $0["ip.dst"]) == pinger.destination
            }
            #expect(pinger.sent == requests.count)
            #expect(pinger.received == reference.count)
            #expect(pinger.lost == 0)
            let rtt = try #require(pinger.rtt)
            #expect(rtt.samples == reference.count)
            #expect(abs(rtt.min - reference.min()!) <= 0.001)
            #expect(abs(rtt.median - median(reference)) <= 0.001)
            #expect(abs(rtt.p95 - nearestRank(95, reference)) <= 0.001)
        }
        if testCase.name == "chrissanders-ppa1e-icmp" {
            // The identifier 768 is 0x0300: Windows' little-endian 3, as tshark also prints it.
            #expect(report.icmp.allSatisfy { $0.identifier == 768 })
        }
    }

    @Test(
        "a truncated copy is reported with what was read, then an error",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"))
    func truncatedFile() async throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: CaptureFixtures.pcap("zeek-tcp-timestamp.pcap")))
        let path = CaptureFixtures.temporaryPath("netmon-truncated", extension: "pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try original.prefix(original.count / 2 + 7).write(to: URL(fileURLWithPath: path))
        let result = await OfflineAnalysis.run(path: path)
        let error = try #require(result.error)
        #expect(error.code == .corruptFile)
        #expect(result.report.packets > 100)
        #expect(error.packetNumber == result.report.packets + 1)
        #expect(result.report.flows.count == 1)
    }

    @Test("a file that is not a capture cannot be opened")
    func notACapture() async throws {
        let path = CaptureFixtures.temporaryPath("netmon-garbage", extension: "pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("this is not a capture file at all".utf8).write(to: URL(fileURLWithPath: path))
        let result = await OfflineAnalysis.run(path: path)
        #expect(result.error?.code == .cannotOpenFile)
        #expect(result.report.packets == 0)
        let missing = await OfflineAnalysis.run(path: path + ".missing")
        #expect(missing.error?.code == .cannotOpenFile)
    }
}
