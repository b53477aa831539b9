import CoverageModel
import Foundation
import NetmonProtocol
import TestSupport
import Testing

/// The built `netmon serve` with the project's sites.yaml: uploaded reports carrying rates give the speed states and
/// ratios, and communes measured too little are "not measured enough" in the API, the GeoJSON layers and alerting.
@Suite(
    "netmon serve: speed and measured-enough figures end to end",
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: NetmonBinary.path)
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"),
        "needs the built netmon binary and curl"))
struct ServeSpeedAndMeasurementTests {
    /// `curl` against the server as the viewer (or `admin` with a CSV body file); the body as JSON.
    static func get(_ port: Int, _ path: String) async throws -> [String: Any] {
        let run = try await offPool {
            Spawn.run([
                "/usr/bin/curl", "-sS", "--fail-with-body", "--max-time", "20", "-H",
                "Authorization: Bearer \(APIFuzzTests.secrets["viewer"] ?? "")", "http://127.0.0.1:\(port)\(path)",
            ])
        }
        #expect(run.status == 0, "\(path): \(run.output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "\(path)")
    }

    @Test func speedAndMeasurementReachTheAPIGeoJSONAndAlerts() async throws {
        let directory = makeTemporaryDirectory("netmon-serve-speed")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await APIFuzzTests.startServer(in: directory)
        defer { server.stop() }
        let (csv, rows, a, b, communeCount) = try CoverageFixture.oneCommuneMeasured()
        let aCells = H3.polygonToCells(a.geometry, resolution: 8)
        let body = directory.appendingPathComponent("reports.csv").path
        try csv.write(toFile: body, atomically: true, encoding: .utf8)
        let upload = try await offPool {
            Spawn.run([
                "/usr/bin/curl", "-sS", "--fail-with-body", "--max-time", "60", "-H",
                "Authorization: Bearer \(APIFuzzTests.secrets["admin"] ?? "")", "-H", "Content-Type: text/csv",
                "--data-binary", "@" + body, "http://127.0.0.1:\(server.port)/api/v1/reports?format=csv",
            ])
        }
        #expect(upload.status == 0, "\(upload.output)")

        // The summary's coverage once the recomputation over every row is stored.
        var coverage: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            if let c = try await Self.get(server.port, "/api/v1/summary")["coverage"] as? [String: Any],
                c["reports"] as? Int == rows
            {
                coverage = c
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        try #require(!coverage.isEmpty, "no coverage over \(rows) reports: \(server.log.suffix(2000))")
        let speed = try #require(coverage["speed"] as? [String: [String: Any]])
        #expect(speed["4G"]?["download_mbps"] as? Double == 5 && speed["4G"]?["upload_mbps"] as? Double == 1)
        #expect(speed["5G"]?["download_mbps"] as? Double == 7)
        #expect((speed["4G"]?["covered_ratio"] as? Double ?? 0) > 0)
        let measurement = try #require(coverage["measurement"] as? [String: Any])
        #expect(measurement["min_measured_ratio"] as? Double == 0.3)
        #expect(measurement["communes_meeting"] as? Int == 1)
        #expect(measurement["communes_not_measured_enough"] as? Int == communeCount - 1)

        // Communes layer: status, unmeasured share and speed beside (not inside) the signal coverage.
        let layer = try await Self.get(server.port, "/api/v1/geojson/communes")
        let features = try #require(layer["features"] as? [[String: Any]])
        func properties(_ code: String) -> [String: Any]? {
            features.compactMap { $0["properties"] as? [String: Any] }.first { $0["code"] as? String == code }
        }
        let aCoverage = try #require(properties(a.code)?["coverage"] as? [String: Any])
        #expect(aCoverage["status"] as? String == "meets")
        #expect(CoverageFixture.close(aCoverage["measured_ratio"], 1))
        #expect(CoverageFixture.close(aCoverage["unmeasured_ratio"], 0))
        #expect(CoverageFixture.close((aCoverage["speed"] as? [String: [String: Any]])?["4G"]?["covered_ratio"], 1))
        #expect((aCoverage["coverage"] as? [String: Any])?["4G"] != nil)
        let bCoverage = try #require(properties(b.code)?["coverage"] as? [String: Any])
        #expect(bCoverage["status"] as? String == "not_measured_enough")
        #expect((bCoverage["unmeasured_ratio"] as? Double ?? 0) > 0.7)

        // Cells layer around A's first cell: its speed state.
        let centre = H3.cellToLatLng(aCells[0])
        let box = "\(centre.lng - 0.001),\(centre.lat - 0.001),\(centre.lng + 0.001),\(centre.lat + 0.001)"
        let cells = try await Self.get(server.port, "/api/v1/geojson/cells?bbox=\(box)")
        let cell = try #require(
            (cells["features"] as? [[String: Any]])?.compactMap { $0["properties"] as? [String: Any] }.first {
                $0["h3"] as? String == aCells[0].description
            })
        #expect(cell["speed_state_4g"] as? String == "meets")
        #expect(cell["speed_dl_mbps_4g"] as? Double == 8)
        #expect(cell["speed_state_5g"] as? String == "no_samples")

        // Alerting: one info summary for the communes measured too little, and no 4G alert for any of them.
        var firing: [[String: Any]] = []
        let alertDeadline = Date().addingTimeInterval(30)
        while Date() < alertDeadline {
            firing = try await Self.get(server.port, "/api/v1/alerts?state=firing")["alerts"] as? [[String: Any]] ?? []
            if firing.contains(where: {
                ($0["labels"] as? [String: String])?["alertname"] == "CoverageMeasurementMissing"
            }) {
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let missing = try #require(
            firing.first { ($0["labels"] as? [String: String])?["alertname"] == "CoverageMeasurementMissing" },
            "\(firing)")
        #expect((missing["labels"] as? [String: String])?["severity"] == "info")
        #expect(
            (missing["annotations"] as? [String: String])?["summary"]
                == "\(communeCount - 1) communes have less than 30 % of their area measured")
        let fourG = firing.filter { ($0["labels"] as? [String: String])?["alertname"] == "Commune4GBelowTarget" }
        #expect(fourG.isEmpty, "\(fourG)")
    }
}

extension CoverageFixture {
    /// Reports over the province's real communes: every cell of the first commune (by code) measured by three 4G
    /// reports at 8/2 Mbit/s, one dead cell (three no-service rows) in the second, nothing elsewhere. The CSV, its
    /// row count, the two communes and how many communes there are.
    static func oneCommuneMeasured() throws -> (
        csv: String, rows: Int, measured: CommuneBoundary, thin: CommuneBoundary, communes: Int
    ) {
        let communes = try CommuneBoundaryReader.read(path: Fixture.boundaries).sorted { $0.code < $1.code }
        let a = communes[0]
        let b = communes[1]
        let aCells = H3.polygonToCells(a.geometry, resolution: 8)
        let bCell = try #require(H3.polygonToCells(b.geometry, resolution: 8).first)
        var csv = "lat,lon,technology,operator,rsrp_dbm,dl_kbps,ul_kbps\n"
        for cell in aCells {
            let c = H3.cellToLatLng(cell)
            for _ in 0..<3 { csv += "\(c.lat),\(c.lng),4G,452-04,-90,8000,2000\n" }
        }
        let bCentre = H3.cellToLatLng(bCell)
        for _ in 0..<3 { csv += "\(bCentre.lat),\(bCentre.lng),none,452-04,,,\n" }
        return (csv, aCells.count * 3 + 3, a, b, communes.count)
    }
}
