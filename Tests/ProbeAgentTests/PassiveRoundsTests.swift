import Foundation
import NetMonitor
import NetworkAddress
import TestSupport
import Testing

@testable import ProbeAgent

/// Passive rounds from a capture of known truth (TestSupport's generator), analysed by the real engine with the
/// daemon's site map: per remote site, loss from retransmissions and unanswered echoes, RTTs from the samples.
@Suite struct PassiveRoundsTests {
    static func capture() throws -> AgentCapture {
        AgentCapture(
            interface: "any", filter: nil, snapshotLength: 128, bufferBytes: 1 << 20,
            remoteSites: [
                .init(name: "hub", prefix: IPNetwork(host: try #require(IPAddress("10.33.0.1")))),
                .init(name: "portal", prefix: IPNetwork(host: try #require(IPAddress("10.33.0.10")))),
                .init(name: "datacenter", prefix: try #require(IPNetwork("10.33.0.0/24"))),
                .init(name: "12346", prefix: try #require(IPNetwork("10.33.2.0/24"))),
            ])
    }
    static let schedule = ProbeSchedule(
        probes: 20, stepSeconds: 60, timeoutSeconds: 2, intervalSeconds: 1, payloadBytes: 56)

    func rounds() throws -> [RoundMeasurement] {
        let synthetic = SyntheticCapture(
            flows: [
                SyntheticTCPFlow(
                    client: "10.33.1.5", clientPort: 40_000, server: "10.33.0.10", serverPort: 443, clientSideRTT: 0.5,
                    serverSideRTT: 12, exchanges: 20, lostRequests: [4]),
                SyntheticTCPFlow(
                    client: "10.33.1.6", clientPort: 40_001, server: "10.33.2.9", serverPort: 80, clientSideRTT: 0.4,
                    serverSideRTT: 30, exchanges: 150, timestamps: false),
            ],
            pingers: [
                SyntheticPinger(
                    source: "10.33.1.5", destination: "10.33.0.1", identifier: 7, count: 10, interval: 200, rtt: 20,
                    lost: [3, 7])
            ])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("passive-\(UUID().uuidString).pcap")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try synthetic.write(to: path)
        let options = PassiveCaptureService.options(for: try Self.capture(), schedule: Self.schedule)
        let result = OfflineAnalysis.runSynchronously(path: path, configuration: options.analyzer)
        #expect(result.error == nil)
        return PassiveRounds.measurements(
            report: result.report, commune: "12345", sites: try Self.capture().remoteSites,
            start: Date(timeIntervalSince1970: 1_767_225_600), stepSeconds: 60)
    }

    @Test func echoesGiveLossAndRTT() throws {
        let hub = try #require(try rounds().first { $0.target == "passive:hub" })
        #expect(hub.kind == "passive" && hub.address == "10.33.0.1" && hub.commune == "12345")
        #expect(hub.sent == 10 && hub.received == 8)
        #expect(hub.rttSeconds.count == 8)
        #expect(hub.rttSeconds.allSatisfy { abs($0 - 0.020) < 1e-6 }, "\(hub.rttSeconds)")
        #expect(hub.jitterSeconds == nil)
    }

    @Test func retransmissionsAreThePassiveLoss() throws {
        let portal = try #require(try rounds().first { $0.target == "passive:portal" })
        #expect(
            portal.sent > 20 && portal.sent - portal.received == 1, "sent \(portal.sent) received \(portal.received)")
        #expect(!portal.rttSeconds.isEmpty)
        #expect(portal.rttSeconds.allSatisfy { abs($0 - 0.012) < 1e-6 }, "\(portal.rttSeconds)")
    }

    @Test func manySamplesAreThinnedKeepingTheExtremesAndMedian() throws {
        let all = try rounds()
        let other = try #require(all.first { $0.target == "passive:12346" })
        #expect(other.rttSeconds.count == PassiveRounds.maximumRTTValues)
        #expect(other.rttSeconds == other.rttSeconds.sorted())
        #expect(other.rttSeconds.allSatisfy { abs($0 - 0.030) < 1e-6 })
        #expect(other.sent > 150 && other.received == other.sent)
        // Only remote sites with traffic; the gateway's own subnet is not a site.
        #expect(Set(all.map(\.target)) == ["passive:hub", "passive:portal", "passive:12346"])
    }

    @Test func thinningKeepsExactExtremesAndEvenRanks() {
        var series = SampleSeries()
        for value in 1...1000 { series.add(Int64(value) * 1_000_000) }
        let thinned = PassiveRounds.rttSeconds(series)
        #expect(thinned.count == 101)
        #expect(thinned.first == 0.001 && thinned.last == 1.0)
        #expect(abs(thinned[50] - 0.5) < 0.002)
        #expect(PassiveRounds.rttSeconds(SampleSeries()).isEmpty)
    }
}
