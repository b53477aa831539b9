import Foundation
import Hummingbird
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonServer
import TestSupport
import Testing

/// Coverage recomputation is singleton work: with two servers on one real PostgreSQL, an upload received by the
/// replica that does not lead is computed by the one that does (it polls the uploads), and only there.
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
        let grants = Fixture.grants.filter { $0.role != .probe }
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
