import CoverageModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonServer
import TestSupport
import Testing

/// Signal report uploads over real HTTP and coverage recomputed inside the server, checked against the coverage model
/// run directly on the same input.
@Suite("Coverage inside the server", .serialized)
struct CoverageUploadTests {
    @Test(
        "simulated Hưng Yên drive tests as CSV, JSON Lines and GeoJSON: recomputed, served equal to the model's figures"
    )
    func hungYenSimulation() async throws {
        let csv = try await offPool { try CoverageFixture.simulatedHungYen(rows: 12_000, seed: 11) }
        let (expected, summary) = try await offPool { try CoverageFixture.direct(csv, boundaries: Fixture.boundaries) }
        #expect(summary.acceptedCount == 12_000)
        #expect(expected.province.deadZones > 0, "the simulation has holes, so the check below is not vacuous")
        var configuration = Fixture.configuration()
        configuration.coverageDebounce = .milliseconds(50)
        let provinceTargets = configuration.coverageSettings.targets
        let (store, cleanup) = try Fixture.sqliteStore()
        defer { cleanup() }
        let listener = UpdateCollector()
        try await withCoverageServer(configuration, store: store, listener: listener) { client in
            // Before any upload: no coverage, and the API says so.
            try await client.execute(
                uri: "/api/v1/summary", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) {
                let summary = try CoverageFixture.json($0)
                let coverage = summary["coverage"]
                #expect(coverage == nil || coverage is NSNull)
                // The province's targets are the coverage settings' own: one type from sites.yaml to the API.
                let targets = try #require(summary["targets"] as? [String: Any])
                #expect(targets["4g_every_commune"] as? Bool == provinceTargets.fourGEveryCommune)
                #expect(targets["5g_area_ratio"] as? Double == provinceTargets.fiveGAreaRatio)
                #expect(targets["max_dead_zones"] as? Int == provinceTargets.maxDeadZones)
            }
            // Three uploads of the same values: rows 1–6,000 as CSV, 6,001–9,000 as JSON Lines, the rest as GeoJSON.
            let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
            let firstCSV = lines.prefix(6_001).joined(separator: "\n") + "\n"
            let all = try await offPool { try CoverageFixture.reports(csv) }
            for (uri, contentType, body, count) in [
                ("/api/v1/reports?format=csv", "text/csv", firstCSV, 6_000),
                (
                    "/api/v1/reports", "application/x-ndjson", CoverageFixture.jsonLines(Array(all[6_000..<9_000])),
                    3_000
                ),
                (
                    "/api/v1/reports?format=geojson", "application/geo+json",
                    CoverageFixture.geoJSON(Array(all[9_000...])), 3_000
                ),
            ] {
                let reply = try await client.execute(
                    uri: uri, method: .post, headers: CoverageFixture.adminHeaders(contentType: contentType),
                    body: ByteBuffer(string: body))
                #expect(reply.status == .created, "\(reply.text)")
                let answer = try CoverageFixture.json(reply)
                #expect(answer["accepted"] as? Int == count)
                #expect(answer["rejected"] as? Int == 0)
                #expect(answer["coverage_recomputation"] as? String == "requested")
            }
            let update = try await listener.wait(reports: 12_000)

            // The listener's plain values equal the model's (the store returns the exact values it was given).
            #expect(update.reports == 12_000)
            #expect(update.provinceFiveGAreaRatio == expected.province.coverage[.fiveG])
            #expect(update.deadZones == expected.deadZones.count)
            #expect(update.deadCells.count == expected.province.deadCells)
            // The zones themselves, each anchored on its smallest cell (alerting's identity for the zone).
            #expect(update.zones.count == expected.deadZones.count)
            #expect(update.zones.map(\.cells.count) == expected.deadZones.map(\.cells.count))
            #expect(update.zones.map(\.communeCodes) == expected.deadZones.map(\.communeCodes))
            #expect(update.zones.map(\.anchor) == expected.deadZones.map { $0.cells.min()!.description })
            #expect(update.zones.reduce(0) { $0 + $1.cells.count } == expected.province.deadCells)
            #expect(update.communes.count == expected.communes.count)
            #expect(
                update.communesWithoutFourG == expected.communes.filter { ($0.coverage[.fourG] ?? 0) <= 0 }.map(\.code))

            // Communes layer: each commune's coverage block.
            let communes = try await client.execute(
                uri: "/api/v1/geojson/communes", method: .get, headers: Fixture.headers(Fixture.viewerSecret))
            let byCode = Dictionary(
                uniqueKeysWithValues: try CoverageFixture.features(communes).compactMap {
                    f -> (String, [String: Any])? in
                    guard let p = f["properties"] as? [String: Any], let code = p["code"] as? String,
                        let c = p["coverage"] as? [String: Any]
                    else { return nil }
                    return (code, c)
                })
            #expect(byCode.count == 104)
            for c in expected.communes {
                let got = try #require(byCode[c.code], "commune \(c.code)")
                #expect(CoverageFixture.close(got["4g_area_ratio"], c.coverage[.fourG] ?? 0), "\(c.code) 4G")
                #expect(CoverageFixture.close(got["5g_area_ratio"], c.coverage[.fiveG] ?? 0), "\(c.code) 5G")
                #expect(CoverageFixture.close(got["3g_area_ratio"], c.coverage[.threeG] ?? 0), "\(c.code) 3G")
                #expect(got["dead_zones"] as? Int == c.deadZones, "\(c.code) dead zones")
                #expect(got["dead_cells"] as? Int == c.deadCells)
                #expect(got["cells"] as? Int == c.cells)
                #expect(got["has_4g"] as? Bool == ((c.coverage[.fourG] ?? 0) > 0))
            }

            // One commune through the JSON API: its health and its coverage entry.
            let probe = try #require(expected.communes.first { ($0.coverage[.fourG] ?? 0) > 0 })
            let one = try CoverageFixture.json(
                try await client.execute(
                    uri: "/api/v1/communes/\(probe.code)", method: .get, headers: Fixture.headers(Fixture.viewerSecret))
            )
            #expect(one["code"] as? String == probe.code)
            #expect(one["status"] as? String != nil)
            #expect(
                CoverageFixture.close(
                    (one["coverage"] as? [String: Any])?["4g_area_ratio"], probe.coverage[.fourG] ?? 0))

            // Dead zones layer: one polygon per zone with its area and communes.
            let zones = try CoverageFixture.features(
                try await client.execute(
                    uri: "/api/v1/geojson/dead-zones", method: .get, headers: Fixture.headers(Fixture.viewerSecret)))
            #expect(zones.count == expected.deadZones.count)
            let zoneProps = zones.compactMap { $0["properties"] as? [String: Any] }
            for z in expected.deadZones {
                let got = zoneProps.first { $0["id"] as? Int == z.id }
                #expect(got?["cells"] as? Int == z.cells.count)
                #expect(CoverageFixture.close(got?["area_km2"], z.areaKm2))
                #expect(got?["communes"] as? [String] == z.communeCodes)
            }

            // Cells layer: all cells, and a bbox filter that keeps exactly the cells whose outline meets it.
            let allCells = try CoverageFixture.features(
                try await client.execute(
                    uri: "/api/v1/geojson/cells", method: .get, headers: Fixture.headers(Fixture.viewerSecret)))
            #expect(allCells.count == expected.cells.count)
            let box = (w: 106.0, s: 20.7, e: 106.1, n: 20.8)
            let inBox = Set(
                expected.cells.filter { cell in
                    let ring = H3.cellToBoundary(cell.cell)
                    return ring.map(\.lng).min()! <= box.e && ring.map(\.lng).max()! >= box.w
                        && ring.map(\.lat).min()! <= box.n && ring.map(\.lat).max()! >= box.s
                }.map(\.cell.description))
            #expect(!inBox.isEmpty && inBox.count < expected.cells.count)
            let filtered = try CoverageFixture.features(
                try await client.execute(
                    uri: "/api/v1/geojson/cells?bbox=\(box.w),\(box.s),\(box.e),\(box.n)", method: .get,
                    headers: Fixture.headers(Fixture.viewerSecret)))
            #expect(Set(filtered.compactMap { ($0["properties"] as? [String: Any])?["h3"] as? String }) == inBox)
            let deadInBox = expected.cells.filter { $0.isDead && inBox.contains($0.cell.description) }.count
            #expect(
                filtered.filter { ($0["properties"] as? [String: Any])?["dead"] as? Bool == true }.count == deadInBox)

            // Province progress: in the summary and in the communes API.
            let fiveG = expected.province.coverage[.fiveG] ?? 0
            for uri in ["/api/v1/summary", "/api/v1/communes"] {
                let root = try CoverageFixture.json(
                    try await client.execute(uri: uri, method: .get, headers: Fixture.headers(Fixture.viewerSecret)))
                let coverage = try #require(root["coverage"] as? [String: Any], "\(uri)")
                #expect(CoverageFixture.close(coverage["5g_area_ratio"], fiveG), "\(uri)")
                #expect(coverage["dead_zones"] as? Int == expected.province.deadZones)
                #expect(
                    coverage["communes_with_4g"] as? Int
                        == expected.communes.filter { ($0.coverage[.fourG] ?? 0) > 0 }.count)
                #expect(coverage["reports"] as? Int == 12_000)
                let targets = try #require(coverage["targets"] as? [String: Any])
                #expect((targets["5g_area_ratio"] as? [String: Any])?["met"] as? Bool == (fiveG >= 0.6))
            }

            // The listing shows the upload and the finished computation.
            let listing = try CoverageFixture.json(
                try await client.execute(
                    uri: "/api/v1/reports", method: .get, headers: Fixture.headers(Fixture.viewerSecret)))
            #expect(listing["reports"] as? Int == 12_000)
            #expect((listing["uploads"] as? [[String: Any]])?.first?["uploaded_by"] as? String == "root")
            #expect(
                (listing["uploads"] as? [[String: Any]])?.compactMap { $0["format"] as? String }.sorted() == [
                    "csv", "geojson", "jsonl",
                ])
            #expect((listing["coverage"] as? [String: Any])?["reports"] as? Int == 12_000)

            // The server's own metrics count the uploads, rows and recomputations.
            let metrics = try await client.execute(
                uri: "/metrics", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ).text
            #expect(metrics.contains("netmon_server_report_uploads_total{result=\"accepted\"} 3\n"))
            #expect(metrics.contains("netmon_server_report_rows_total{result=\"accepted\"} 12000\n"))
            #expect(metrics.contains("netmon_server_coverage_reports 12000.0\n"))
            #expect(metrics.contains("netmon_server_coverage_recomputations_total{result=\"error\"} 0\n"))
        }
    }

    @Test(
        "the real Cork drive test (cork-5g preset) over both stores; a restarted server recomputes at start-up",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"),
        arguments: ServerBackend.allCases)
    func corkDriveTest(_ backend: ServerBackend) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-cork-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (boundaries, communes) = try CoverageFixture.corkBoundaries(directory: dir)
        // The whole file on SQLite; its first 8,000 rows on PostgreSQL (the debug build's postgres-nio is slow, and
        // the store suite checks the full upload contract on PostgreSQL).
        let file = try String(contentsOfFile: CoverageFixture.cork, encoding: .utf8)
        let text =
            backend == .sqlite
            ? file : file.split(whereSeparator: \.isNewline).prefix(8_001).joined(separator: "\n") + "\n"
        let (once, summary) = try await offPool {
            try CoverageFixture.direct(text, mapping: .cork5G, boundaries: boundaries)
        }
        #expect(once.province.coverage[.fourG] ?? 0 > 0, "the Cork communes are measured")
        let configuration = ServerConfiguration(
            provinceName: "Cork (test)", communes: communes, boundariesPath: boundaries,
            rateLimit: RateLimit(requestsPerSecond: 1000, burst: 1000), now: { Fixture.now },
            coverageDebounce: .milliseconds(50))
        let (openStore, cleanup) = try await backend.makeStores()
        defer { cleanup() }
        let listener = UpdateCollector()
        try await withCoverageServer(configuration, store: try openStore(), listener: listener) { client in
            let reply = try await client.execute(
                uri: "/api/v1/reports?format=csv&preset=cork-5g", method: .post,
                headers: CoverageFixture.adminHeaders(),
                body: ByteBuffer(string: text))
            #expect(reply.status == .created, "\(reply.text)")
            let body = try CoverageFixture.json(reply)
            let byTechnology = body["accepted_by_technology"] as? [String: Int]
            #expect(
                byTechnology == Dictionary(uniqueKeysWithValues: summary.accepted.map { ($0.key.rawValue, $0.value) }))
            if backend == .sqlite { #expect(byTechnology?["5G"] == 13_959) }
            #expect(
                (body["dropped_out_of_range"] as? [String: Int])?["nr_ss_rsrq_db"]
                    == summary.droppedOutOfRange[.nrSsRsrqDb])
            let update = try await listener.wait(for: 1)
            #expect(update.reports == summary.acceptedCount)
            #expect(update.reports == (backend == .sqlite ? 27_591 : 8_000))
            for c in once.communes {
                let got = update.communes.first { $0.code == c.code }
                #expect(got?.fourGAreaRatio == c.coverage[.fourG], "\(c.code)")
                #expect(got?.fiveGAreaRatio == c.coverage[.fiveG], "\(c.code)")
                #expect(got?.deadCells == c.deadCells)
            }
            let features = try CoverageFixture.features(
                try await client.execute(
                    uri: "/api/v1/geojson/communes", method: .get, headers: Fixture.headers(Fixture.viewerSecret)))
            #expect(features.count == 4)
            for f in features {
                let p = try #require(f["properties"] as? [String: Any])
                let c = try #require(once.communes.first { $0.code == p["code"] as? String })
                let coverage = try #require(p["coverage"] as? [String: Any])
                #expect(CoverageFixture.close(coverage["5g_area_ratio"], c.coverage[.fiveG] ?? 0))
                #expect(coverage["name"] as? String == c.name)
            }
        }
        // A new server on the same store computes once at start-up, without an upload.
        let again = UpdateCollector()
        try await withCoverageServer(configuration, store: try openStore(), listener: again) { _ in
            let update = try await again.wait(for: 1)
            #expect(update.reports == summary.acceptedCount)
            #expect(update.provinceFiveGAreaRatio == once.province.coverage[.fiveG])
        }
    }

    @Test("deleting an upload takes its reports out of coverage; unknown ids are 404, viewers 403")
    func deleteUpload() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-del-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (boundaries, communes) = try CoverageFixture.corkBoundaries(directory: dir)
        let configuration = ServerConfiguration(
            provinceName: "Cork (test)", communes: communes, boundariesPath: boundaries,
            rateLimit: RateLimit(requestsPerSecond: 1000, burst: 1000), now: { Fixture.now },
            coverageDebounce: .milliseconds(20))
        // Five good 4G readings in one spot of the south-west test commune.
        let csv =
            "time,lat,lon,technology,rsrp_dbm\n"
            + (0..<5).map { "\(1_767_574_800 + $0),51.9,-8.48,4G,-90" }.joined(separator: "\n") + "\n"
        let (store, cleanup) = try Fixture.sqliteStore()
        defer { cleanup() }
        let listener = UpdateCollector()
        try await withCoverageServer(configuration, store: store, listener: listener) { client in
            let reply = try await client.execute(
                uri: "/api/v1/reports?format=csv", method: .post, headers: CoverageFixture.adminHeaders(),
                body: ByteBuffer(string: csv))
            #expect(reply.status == .created, "\(reply.text)")
            let id = try #require(try CoverageFixture.json(reply)["upload_id"] as? String)
            let before = try await listener.wait(reports: 5)
            #expect(before.communes.first { $0.code == "90001" }?.hasFourG == true)

            try await client.execute(
                uri: "/api/v1/reports/\(id)", method: .delete, headers: Fixture.headers(Fixture.viewerSecret)
            ) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(
                uri: "/api/v1/reports/\(id)", method: .delete, headers: CoverageFixture.adminHeaders()
            ) {
                #expect($0.status == .noContent)
            }
            let after = try await listener.wait(reports: 0)
            #expect(after.communes.allSatisfy { !$0.hasFourG })
            #expect(try await store.signalReportCount() == 0)
            try await client.execute(
                uri: "/api/v1/reports/\(id)", method: .delete, headers: CoverageFixture.adminHeaders()
            ) {
                #expect($0.status == .notFound)
            }
            let summary = try CoverageFixture.json(
                try await client.execute(
                    uri: "/api/v1/summary", method: .get, headers: Fixture.headers(Fixture.viewerSecret)))
            #expect((summary["coverage"] as? [String: Any])?["reports"] as? Int == 0)
        }
    }
}
