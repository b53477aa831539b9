import Foundation
import NetworkAddress
import SiteCatalog
import TestSupport
import Testing

@testable import ProbeAgent

/// The daemon's prober with STAMP targets beside an ICMP one, on loopback against the real `netmon stamp reflect`.
@Suite(
    "EngineProber with stamp targets", .serialized,
    .enabled(if: NetmonBinary.built != nil, "the netmon executable is not built (run swift build first)"),
    .enabled(if: getuid() == 0, "ICMP probing of 127.0.0.1 needs root or CAP_NET_RAW"))
struct STAMPProberTests {
    @Test("each target gets its own round; a STAMP session that cannot start fails its target alone, saying why")
    func mixedTargets() async throws {
        let port = try freePort()
        let reflector = try ChildProcess([
            NetmonBinary.path, "stamp", "reflect", "--listen", "127.0.0.1:\(port)", "--stateful", "--clock-error",
            "1us",
        ])
        defer { reflector.stop(grace: 0) }
        try reflector.waitForLine(startingWith: "ready")
        let loopback = try #require(IPAddress("127.0.0.1"))
        let port16 = try #require(UInt16(exactly: port))
        let targets = [
            AgentTarget(name: "hub", address: loopback, kind: .icmp),
            AgentTarget(
                name: "meet", address: loopback,
                kind: .stamp(STAMPTargetSettings(port: port16, stateful: true, dscp: 46, packetOctets: 64))),
            // 46 octets: neither the base packet nor room for a padding TLV, refused by the sender's options.
            AgentTarget(
                name: "bad", address: loopback, kind: .stamp(STAMPTargetSettings(port: port16, packetOctets: 46))),
        ]
        let schedule = ProbeSchedule(
            probes: 20, stepSeconds: 2, timeoutSeconds: 0.3, intervalSeconds: 0.02, payloadBytes: 56)
        let rounds = try await EngineProber().probeRound(
            targets, schedule: schedule, plan: RoundPlan(schedule: schedule, targetCount: targets.count))
        #expect(rounds.count == 3)
        #expect(rounds[0].sent == 20 && rounds[0].rttsInSendOrder.count == 20 && rounds[0].directions == nil)
        #expect(rounds[1].sent == 20 && rounds[1].rttsInSendOrder.count == 20 && rounds[1].failure == nil)
        let directions = try #require(rounds[1].directions)
        #expect(directions.reflectorMode == "stateful")
        #expect(directions.forward.sent == 20 && directions.forward.lost == 0 && directions.reverse.lost == 0)
        #expect(rounds[2].sent == 0 && rounds[2].directions == nil)
        let failure = try #require(rounds[2].failure)
        #expect(failure.contains("127.0.0.1:\(port)") && failure.contains("--size must be 44"), "\(failure)")
    }
}
