import Foundation
import NetMonitor
import NetworkAddress
import TestSupport
import Testing

/// Captures written by the deterministic generator in TestSupport, whose truth is known by construction: every
/// RTT sample must equal the flow's configured capture→server→capture or capture→client→capture time, every
/// request lost upstream must show as exactly one retransmission, every unanswered echo as one loss.
@Suite("Synthetic captures with known truth")
struct SyntheticCaptureTests {
    static let flows = [
        SyntheticTCPFlow(
            client: "10.33.1.20", clientPort: 51_000, server: "10.33.0.10", serverPort: 443, clientSideRTT: 2,
            serverSideRTT: 30, start: 0, exchanges: 40, timestamps: true, lostRequests: [3, 17]),
        SyntheticTCPFlow(
            client: "10.33.2.20", clientPort: 40_001, server: "10.33.0.20", serverPort: 443, clientSideRTT: 0.5,
            serverSideRTT: 80, start: 0.3, exchanges: 30, timestamps: false, lostRequests: [0, 9, 29]),
        SyntheticTCPFlow(
            client: "10.33.2.21", clientPort: 40_002, server: "10.33.0.10", serverPort: 443, clientSideRTT: 12,
            serverSideRTT: 4, start: 1.1, exchanges: 25, timestamps: true),
    ]
    static let pinger = SyntheticPinger(
        source: "10.33.1.1", destination: "10.33.0.53", identifier: 0x1234, count: 20, interval: 200, rtt: 25,
        lost: [3, 7, 15])

    static func analyze(sites: SiteMap = .empty) async throws -> (CaptureReport, Int) {
        let path = CaptureFixtures.temporaryPath("netmon-synthetic", extension: "pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let written = try SyntheticCapture(flows: Self.flows, pingers: [Self.pinger]).write(to: path)
        let result = await OfflineAnalysis.run(path: path, configuration: AnalyzerConfiguration(sites: sites))
        #expect(result.error == nil)
        return (result.report, written)
    }

    @Test("per-flow RTTs, handshake and retransmissions are recovered exactly")
    func flows() async throws {
        let (report, written) = try await Self.analyze()
        #expect(report.packets == written)
        #expect(report.malformed == 0)
        try #require(report.flows.count == Self.flows.count)
        for truth in Self.flows {
            let flow = try #require(
                report.flows.first { $0.client == truth.client && $0.clientPort == truth.clientPort })
            #expect(flow.server == truth.server && flow.serverPort == truth.serverPort)
            #expect(flow.rolesFromHandshake)
            #expect(flow.rttMethod == (truth.timestamps ? .timestamps : .sequenceAcknowledgement))
            let handshake = try #require(flow.handshakeRTTMilliseconds)
            #expect(abs(handshake - truth.serverSideRTT) < 0.001)
            let server = try #require(flow.serverRTT)
            let client = try #require(flow.clientRTT)
            for value in [server.min, server.median, server.p95] { #expect(abs(value - truth.serverSideRTT) < 0.001) }
            for value in [client.min, client.median, client.p95] { #expect(abs(value - truth.clientSideRTT) < 0.001) }
            // Samples: SYN + every request + FIN on the server side; with seq/ack, Karn's rule drops the
            // retransmitted requests. Client side: SYN-ACK + every response + FIN-ACK.
            let expectedServer = truth.exchanges + 2 - (truth.timestamps ? 0 : truth.lostRequests.count)
            #expect(server.samples == expectedServer)
            #expect(client.samples == truth.exchanges + 2)
            #expect(flow.retransmissions == truth.lostRequests.count)
            #expect(flow.duplicates == 0)
            #expect(flow.dataSegments == 2 * truth.exchanges + truth.lostRequests.count)
        }
    }

    @Test("ICMP requests, replies, losses and RTTs are recovered")
    func icmp() async throws {
        let (report, _) = try await Self.analyze()
        let pinger = try #require(report.icmp.first)
        #expect(report.icmp.count == 1)
        #expect(pinger.source == Self.pinger.source && pinger.destination == Self.pinger.destination)
        #expect(pinger.identifier == Self.pinger.identifier)
        #expect(pinger.sent == Self.pinger.count)
        #expect(pinger.received == Self.pinger.count - Self.pinger.lost.count)
        #expect(pinger.lost == Self.pinger.lost.count)
        let rtt = try #require(pinger.rtt)
        #expect(abs(rtt.median - Self.pinger.rtt) < 0.001)
    }

    @Test("per-site rollups: RTT towards the site, retransmission ratio, ICMP")
    func sites() async throws {
        let map = SiteMap([
            (IPNetwork("10.33.0.10/32")!, "portal"), (IPNetwork("10.33.0.20/32")!, "meeting"),
            (IPNetwork("10.33.0.53/32")!, "dns"), (IPNetwork("10.33.0.0/24")!, "datacenter"),
            (IPNetwork("10.33.1.0/24")!, "12345"), (IPNetwork("10.33.2.0/24")!, "23456"),
        ])
        let (report, _) = try await Self.analyze(sites: map)
        let bySite = Dictionary(uniqueKeysWithValues: report.sites.map { ($0.site, $0) })
        #expect(bySite["datacenter"] == nil, "every data-centre address here is a more specific service")
        let portal = try #require(bySite["portal"])
        #expect(portal.flows == 2)
        // Server-side samples of the two portal flows: 30 ms (42 samples) and 4 ms (27 samples).
        let portalRTT = try #require(portal.rtt)
        #expect(portalRTT.samples == 42 + 27)
        #expect(abs(portalRTT.median - 30) < 0.001)
        #expect(abs(portalRTT.min - 4) < 0.001)
        let meeting = try #require(bySite["meeting"])
        let ratio = try #require(meeting.retransmissionRatio)
        #expect(abs(ratio - 3.0 / 63.0) < 1e-9)
        // The commune side sees its client-side RTTs: commune 23456 hosts clients of 0.5 ms and 12 ms.
        let commune = try #require(bySite["23456"])
        #expect(commune.flows == 2)
        #expect(abs(try #require(commune.rtt).min - 0.5) < 0.001)
        let dns = try #require(bySite["dns"])
        #expect(dns.icmpSent == 20)
        #expect(abs(try #require(dns.icmpRTT).median - 25) < 0.001)
        let gateway = try #require(bySite["12345"])
        #expect(gateway.packets > 0)
    }

    @Test("the flow table stays within its cap and counts what it could not track")
    func flowCap() async throws {
        let path = CaptureFixtures.temporaryPath("netmon-cap", extension: "pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let flows = (0..<50).map { i in
            SyntheticTCPFlow(
                client: "192.0.2.\(i + 1)", clientPort: 50_000, server: "198.51.100.1", serverPort: 80,
                clientSideRTT: 1,
                serverSideRTT: 10, start: Double(i) * 0.001, exchanges: 3)
        }
        try SyntheticCapture(flows: flows).write(to: path)
        let capped = await OfflineAnalysis.run(path: path, configuration: AnalyzerConfiguration(maximumFlows: 20))
        #expect(capped.report.flows.count == 20)
        #expect(capped.report.untrackedPackets == 30 * (3 + 3 * 3 + 3))
        // With a short idle timeout, finished flows leave the table and are still reported.
        let spaced = (0..<50).map { i in
            SyntheticTCPFlow(
                client: "192.0.2.\(i + 1)", clientPort: 50_000, server: "198.51.100.1", serverPort: 80,
                clientSideRTT: 1,
                serverSideRTT: 10, start: Double(i) * 2, exchanges: 3)
        }
        try SyntheticCapture(flows: spaced).write(to: path)
        let evicting = await OfflineAnalysis.run(
            path: path, configuration: AnalyzerConfiguration(maximumFlows: 5, flowIdleTimeout: .seconds(1)))
        #expect(evicting.report.flows.count == 50)
        #expect(evicting.report.untrackedPackets == 0)
    }
}

extension SyntheticCaptureTests {
    @Test("a new connection reusing a four-tuple is a new flow, not retransmissions")
    func reusedPorts() async throws {
        let path = CaptureFixtures.temporaryPath("netmon-reuse", extension: "pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Same ports twice, 5 s apart: the generator gives each flow index a different initial sequence number.
        let flows = [0.0, 5.0].map { start in
            SyntheticTCPFlow(
                client: "192.0.2.9", clientPort: 50_500, server: "198.51.100.2", serverPort: 443, clientSideRTT: 1,
                serverSideRTT: 15, start: start, exchanges: 4)
        }
        try SyntheticCapture(flows: flows).write(to: path)
        let result = await OfflineAnalysis.run(path: path)
        #expect(result.report.flows.count == 2)
        #expect(
            result.report.flows.allSatisfy {
                $0.retransmissions == 0 && abs(($0.handshakeRTTMilliseconds ?? 0) - 15) < 0.001
            })
    }
}
