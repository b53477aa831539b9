import CoverageModel
import Foundation
import HummingbirdTesting
import MeasurementStore
import NIOCore
import TestSupport
import Testing

@testable import NetmonServer

/// Incremental coverage inside the server (issue 17, section 3): after uploads, gateway reports and a delete, every
/// snapshot the server computed from its merged cell aggregates — each cell, commune, dead zone, operator layer and
/// the province block — is byte for byte the one a full recomputation from the stored reports gives.
@Suite("Incremental coverage equals a full recomputation (SQLite and PostgreSQL)")
struct IncrementalCoverageTests {
    /// The Cork test communes' box (see ``CoverageFixture/corkBoundaries(directory:)``), a little wider.
    static let box = (lat: 51.87...51.965, lng: -8.525...(-8.365))

    /// Every snapshot a full recomputation over the stored reports gives (the old path: each report read).
    static func full(
        _ store: any ProvinceStore, boundaries: [CommuneBoundary]
    ) async throws -> [String: String] {
        var accumulator = CoverageAccumulator(settings: CoverageFixture.settings)
        var gateways = GatewayCells(resolution: CoverageFixture.settings.resolution)
        var cursor: SignalReportCursor?
        repeat {
            let page = try await store.signalReports(after: cursor, limit: 4_000)
            for r in page.reports {
                accumulator.add(r)
                gateways.add(r)
            }
            cursor = page.next
        } while cursor != nil
        let frozen = accumulator
        let marks = gateways
        return try await offPool {
            let grid = CommuneGrid(communes: boundaries, resolution: CoverageFixture.settings.resolution)
            let result = CoverageAnalysis.analyze(frozen, grid: grid)
            let at = Date(timeIntervalSince1970: 0)
            let snapshots =
                try CoverageSnapshots.make(
                    result, boundaries: grid.communes, reports: frozen.reportCount, createdAt: at)
                + CoverageSnapshots.operatorLayers(result, boundaries: grid.communes, createdAt: at)
            return Dictionary(
                uniqueKeysWithValues: snapshots.map {
                    ($0.kind, $0.kind == CoverageSnapshots.cells ? marks.mark($0.json) : $0.json)
                })
        }
    }

    @Test(
        "uploads, gateway reports and a delete: every snapshot equals the full recomputation's",
        arguments: ServerBackend.allCases)
    func incrementalEqualsFull(_ backend: ServerBackend) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-inc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (boundariesPath, communes) = try CoverageFixture.corkBoundaries(directory: dir)
        let boundaries = try CommuneBoundaryReader.read(path: boundariesPath)
        let configuration = ServerConfiguration(
            provinceName: "Cork (test)", communes: communes, boundariesPath: boundariesPath,
            rateLimit: RateLimit(requestsPerSecond: 1000, burst: 1000), now: { Fixture.now },
            coverageDebounce: .milliseconds(50))
        let (openStore, cleanup) = try await backend.makeStores()
        defer { cleanup() }
        let store = try openStore()
        let listener = UpdateCollector()
        var source = MixedReports(seed: 31, box: Self.box, cells: 70)
        let uploads = (0..<4).map { i in source.next([1_500, 1_000, 800, 500][i]) }
        let gateway = source.next(300).enumerated().map { i, r in
            var r = r
            r.device = "gateway:90001"
            return GatewaySignalEntry(storeID: "s1", sequence: Int64(i + 1), report: r)
        }
        try await withCoverageServer(configuration, store: store, listener: listener) { client in
            func upload(_ reports: [SignalReport]) async throws -> String {
                let reply = try await client.execute(
                    uri: "/api/v1/reports", method: .post,
                    headers: CoverageFixture.adminHeaders(contentType: "application/x-ndjson"),
                    body: ByteBuffer(string: CoverageFixture.jsonLines(reports)))
                #expect(reply.status == .created, "\(reply.text)")
                let body = try CoverageFixture.json(reply)
                #expect(body["accepted"] as? Int == reports.count, "\(reply.text)")
                return try #require(body["upload_id"] as? String)
            }
            _ = try await upload(uploads[0])
            _ = try await listener.wait(reports: 1_500)
            let second = try await upload(uploads[1])
            _ = try await listener.wait(reports: 2_500)
            // A gateway's reports (written as its ingest route writes them), then another upload.
            let outcome = try await store.ingestGatewaySignalReports(
                gateway, probeID: "probe-90001", source: "gateway:90001", receivedAt: Fixture.now)
            #expect(outcome.accepted == 300)
            _ = try await upload(uploads[2])
            _ = try await listener.wait(reports: 3_600)
            try await client.execute(
                uri: "/api/v1/reports/\(second)", method: .delete, headers: CoverageFixture.adminHeaders()
            ) {
                #expect($0.status == .noContent)
            }
            _ = try await listener.wait(reports: 2_600)
            _ = try await upload(uploads[3])
            let last = try await listener.wait(reports: 3_100)
            #expect(last.deadCells.count > 0)

            let expected = try await Self.full(store, boundaries: boundaries)
            #expect(expected.count >= 8, "four layers and the operators' cells")
            for (kind, json) in expected.sorted(by: { $0.key < $1.key }) {
                let stored = try #require(try await store.coverageSnapshot(kind: kind), "\(kind)")
                #expect(stored.json == json, "snapshot \(kind) differs from the full recomputation")
            }
            let cells = try #require(expected[CoverageSnapshots.cells])
            #expect(cells.contains(#""gateway":true"#) && cells.contains(#""state_4g":"covered""#))
        }
    }
}
