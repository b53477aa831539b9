import Foundation
import Hummingbird
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonProtocol
import NetmonServer
import TestSupport
import Testing

/// Coverage recomputation is singleton work: with two servers on one real PostgreSQL, an upload received by the
/// replica that does not lead is computed by the one that does (it polls the uploads), and only there; an upload
/// the leader receives itself is computed once, not again by its poll; gateway reports ingested by the other
/// replica (a growing upload, no new one) reach the leader's coverage too.
@Suite("Coverage with two replicas on one PostgreSQL")
struct ReplicaCoverageTests {
    @Test(
        "an upload to the non-leader is computed once, by the leader, and served by both",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"),
        .timeLimit(.minutes(2)))
    func uploadToTheOtherReplica() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-replicas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (boundaries, communes) = try CoverageFixture.corkBoundaries(directory: dir)
        let file = try String(contentsOfFile: CoverageFixture.cork, encoding: .utf8)
        let text = file.split(whereSeparator: \.isNewline).prefix(2_001).joined(separator: "\n") + "\n"
        let configuration = ServerConfiguration(
            provinceName: "Cork (test)", communes: communes, boundariesPath: boundaries,
            rateLimit: RateLimit(requestsPerSecond: 1000, burst: 1000), now: { Fixture.now },
            coverageDebounce: .milliseconds(50))
        let (openStore, cleanup) = try await ServerBackend.postgres.makeStores()
        defer { cleanup() }
        let listeners = [UpdateCollector(), UpdateCollector()]
        let stores = [
            try #require(try openStore() as? PostgresProvinceStore),
            try #require(try openStore() as? PostgresProvinceStore),
        ]
        let leaseList = stores.map { PostgresLeaderLease(store: $0, leaseSeconds: 3) }
        let probeSecret = "probe-secret-90001-cork"
        let grants =
            Fixture.grants.filter { $0.role != .probe }
            + [TokenGrant(name: "probe-90001", role: .probe, probeID: "probe-90001", secret: probeSecret)]
        let appA = try buildApplication(
            configuration: configuration, store: stores[0], port: 0, tokens: grants,
            coverageListeners: [listeners[0]], leaderLease: leaseList[0])
        let appB = try buildApplication(
            configuration: configuration, store: stores[1], port: 0, tokens: grants,
            coverageListeners: [listeners[1]], leaderLease: leaseList[1])
        try await appA.test(.live) { first in
            try await appB.test(.live) { second in
                let clients: [any TestClientProtocol] = [first, second]
                var leader: Int?
                let deadline = Date().addingTimeInterval(15)
                while leader == nil && Date() < deadline {
                    let leading = leaseList.indices.filter { leaseList[$0].leadership.isLeader }
                    if leading.count == 1 { leader = leading[0] }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let chief = try #require(leader, "no replica leads")
                let other = 1 - chief
                let reply = try await clients[other].execute(
                    uri: "/api/v1/reports?format=csv&preset=cork-5g", method: .post,
                    headers: CoverageFixture.adminHeaders(), body: ByteBuffer(string: text))
                #expect(reply.status == .created, "\(reply.text)")
                let update = try await listeners[chief].wait(for: 1, timeout: 20)
                #expect(update.reports == 2_000)
                // The replica that received the upload did not compute it, and the leader computed it once.
                try await Task.sleep(for: .seconds(3))
                #expect(listeners[other].all.isEmpty)
                #expect(listeners[chief].all.count == 1)
                // An upload to the leader itself: one computation (its poll sees what that computation read).
                let own = try await clients[chief].execute(
                    uri: "/api/v1/reports?format=csv&preset=cork-5g", method: .post,
                    headers: CoverageFixture.adminHeaders(), body: ByteBuffer(string: text))
                #expect(own.status == .created, "\(own.text)")
                _ = try await listeners[chief].wait(for: 2, timeout: 20)
                try await Task.sleep(for: .seconds(4))  // two poll intervals
                #expect(listeners[chief].all.count == 2, "the leader computed its own upload twice")
                // Gateway reports through the other replica: the gateway's upload grows, the leader recomputes.
                let report = GatewaySignalReport(
                    probeID: "probe-90001", sequence: 1, storeID: "cork-gateway-store", commune: "90001",
                    time: Fixture.now.addingTimeInterval(-60), lat: 51.89, lon: -8.49, technology: .fourG,
                    radioAccess: "4G", operatorCode: "272-01", modemTool: "qmicli", metrics: [.rsrpDbm: -90])
                let batch = try WireCoding.makeEncoder().encode(
                    GatewaySignalBatch(probeID: "probe-90001", reports: [report]))
                let ingested = try await clients[other].execute(
                    uri: "/api/v1/ingest/signal", method: .post, headers: Fixture.headers(probeSecret),
                    body: ByteBuffer(bytes: batch))
                #expect(ingested.status == .ok, "\(ingested.text)")
                let third = try await listeners[chief].wait(for: 3, timeout: 20)
                #expect(third.reports == 4_001)
                // A second batch into the same growing upload: computed again.
                var next = report
                next.sequence = 2
                let more = try WireCoding.makeEncoder().encode(
                    GatewaySignalBatch(probeID: "probe-90001", reports: [next]))
                let grown = try await clients[other].execute(
                    uri: "/api/v1/ingest/signal", method: .post, headers: Fixture.headers(probeSecret),
                    body: ByteBuffer(bytes: more))
                #expect(grown.status == .ok, "\(grown.text)")
                let fourth = try await listeners[chief].wait(for: 4, timeout: 20)
                #expect(fourth.reports == 4_002)
                #expect(listeners[other].all.isEmpty)
                // Both serve the snapshots the leader stored.
                for client in clients {
                    let features = try CoverageFixture.features(
                        try await client.execute(
                            uri: "/api/v1/geojson/communes", method: .get,
                            headers: Fixture.headers(Fixture.viewerSecret)))
                    #expect(features.count == communes.count)
                }
            }
        }
    }
}
