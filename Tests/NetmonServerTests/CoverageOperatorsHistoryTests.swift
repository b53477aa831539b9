import CoverageModel
import Foundation
import NetmonProtocol
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Coverage per operator and over time on a real `netmon serve` (the built binary, a real SQLite file, loopback
/// HTTP): the `operator=` filter of the API and GeoJSON, history points accumulating across uploads and deletions,
/// and the trend SVG against the targets.
@Suite(
    "Coverage per operator and history (netmon serve)", .serialized,
    .enabled(if: FileManager.default.isExecutableFile(atPath: NetmonBinary.path), "needs the netmon executable"))
struct CoverageOperatorsHistoryTests {
    static let admin = "admin-secret-opshistory"
    static let viewer = "viewer-secret-opshistory"

    /// sites.yaml of the repository with absolute boundaries and no alerting, and a tokens file.
    static func startServer(in directory: URL) async throws -> ServeProcess {
        let sites = try String(
            contentsOfFile: Fixture.repoRoot.appendingPathComponent("sites.yaml").path, encoding: .utf8)
        let yaml = sites.replacingOccurrences(
            of: "boundaries: data/boundaries/hungyen_communes_2025.geojson", with: "boundaries: \(Fixture.boundaries)")
        let sitesPath = directory.appendingPathComponent("sites.yaml").path
        try yaml.write(toFile: sitesPath, atomically: true, encoding: .utf8)
        let tokensPath = directory.appendingPathComponent("tokens").path
        try "viewer noc \(viewer)\nadmin root \(admin)\n".write(toFile: tokensPath, atomically: true, encoding: .utf8)
        return try await ServeProcess(
            arguments: [
                "--config", sitesPath, "--database", "sqlite:" + directory.appendingPathComponent("p.sqlite").path,
                "--tokens", tokensPath, "--no-alerts", "--rate-limit", "1000000",
            ], directory: directory)
    }

    static func request(
        _ port: Int, _ method: String, _ target: String, token: String = viewer, contentType: String? = nil,
        body: String = ""
    ) throws -> (status: Int?, body: String) {
        var head =
            "\(method) \(target) HTTP/1.1\r\nHost: test\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        head += "Content-Length: \(body.utf8.count)\r\n\r\n"
        let (status, text) = try rawExchange(port: port, request: Array((head + body).utf8), timeout: 60)
        let payload = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, payload)
    }

    static func json(_ port: Int, _ target: String) throws -> [String: Any] {
        let reply = try request(port, "GET", target)
        guard reply.status == 200,
            let object = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
        else { throw RawHTTPError("GET \(target): \(reply.status ?? -1) \(reply.body.prefix(300))") }
        return object
    }

    /// Canonical CSV of `reports`.
    static func csv(_ reports: [SignalReport]) throws -> String {
        let sink = MemoryByteSink()
        let writer = CanonicalCSVWriter(sink: sink)
        for r in reports { try writer.write(r) }
        try writer.finish()
        return sink.text
    }

    /// Three reports at the centre of `cell`.
    static func reports(
        _ cell: H3Index, _ technology: Technology, _ op: String, _ metric: SignalMetric, _ dbm: Double
    )
        -> [SignalReport]
    {
        let centre = H3.cellToLatLng(cell)
        return (0..<3).map { i in
            var r = SignalReport(
                time: 1_767_200_000 + Double(i), lat: centre.lat, lon: centre.lng, technology: technology,
                operatorCode: op)
            r[metric] = dbm - Double(i)
            return r
        }
    }

    static func historyCount(_ port: Int, _ query: String = "") throws -> Int {
        (try json(port, "/api/v1/coverage/history\(query)")["points"] as? [Any])?.count ?? -1
    }

    @Test("operator filter on the API and GeoJSON; history grows per upload and deletion; the trend SVG parses")
    func operatorsAndHistory() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await Self.startServer(in: directory)
        defer { server.stop() }
        let port = server.port

        // A commune of the province and three cells inside it: Viettel covers a and b with 4G, MobiFone is measured
        // below the floor in a (a partial not-spot) and covers c with 5G (second upload).
        let communes = try CommuneBoundaryReader.read(path: Fixture.boundaries).sorted { $0.code < $1.code }
        let grid = CommuneGrid(communes: communes, resolution: 8)
        let index = try #require(grid.cells.firstIndex { $0.count > 20 })
        let code = grid.communes[index].code
        let inside = grid.cells[index].sorted()
        let (a, b, c) = (inside[5], inside[10], inside[15])
        let first =
            Self.reports(a, .fourG, "452-04", .rsrpDbm, -90) + Self.reports(b, .fourG, "452-04", .rsrpDbm, -95)
            + Self.reports(a, .fourG, "452-01", .rsrpDbm, -125)
        let second = Self.reports(c, .fiveG, "452-01", .nrSsRsrpDbm, -100)

        // Before any upload: no history, and the SVG says so but is well-formed with its target lines.
        #expect(try Self.historyCount(port) == 0)
        let emptySVG = try Self.request(port, "GET", "/api/v1/coverage/history.svg")
        #expect(emptySVG.status == 200)
        #expect(
            try SVGElements.parse(emptySVG.body).targets == ["4g_every_commune", "5g_area_ratio", "max_dead_zones"])

        // Upload 1 → a recomputation → one point.
        let up1 = try Self.request(
            port, "POST", "/api/v1/reports?format=csv", token: Self.admin, contentType: "text/csv",
            body: try Self.csv(first))
        #expect(up1.status == 201, "\(up1.body)")
        #expect(
            try await eventually(timeout: .seconds(60), poll: .milliseconds(200)) { try Self.historyCount(port) == 1 })

        // Upload 2 → a second point.
        let up2 = try Self.request(
            port, "POST", "/api/v1/reports?format=csv", token: Self.admin, contentType: "text/csv",
            body: try Self.csv(second))
        #expect(up2.status == 201, "\(up2.body)")
        let uploadID = try #require(
            (try JSONSerialization.jsonObject(with: Data(up2.body.utf8)) as? [String: Any])?["upload_id"] as? String)
        #expect(
            try await eventually(timeout: .seconds(60), poll: .milliseconds(200)) { try Self.historyCount(port) == 2 })

        // What the model computes from both uploads (the oracle).
        let (expected, _) = try CoverageFixture.direct(try Self.csv(first + second), boundaries: Fixture.boundaries)
        let commune = try #require(expected.communes.first { $0.code == code })
        let mobifone = try #require(commune.operators.first { $0.code == "452-01" })
        let viettel = try #require(commune.operators.first { $0.code == "452-04" })
        #expect(mobifone.partialNotSpots == 1 && mobifone.notCoveringCells == 1)
        #expect((mobifone.coverage[.fiveG] ?? 0) > 0)

        // API: every commune's figures, or one operator's.
        let all = try Self.json(port, "/api/v1/coverage/communes")
        #expect(all["operator"] is NSNull)
        #expect((all["operators"] as? [String: String]) == ["452-01": "MobiFone", "452-04": "Viettel"])
        let byOperator = try Self.json(port, "/api/v1/coverage/communes?operator=452-01")
        #expect(byOperator["operator_name"] as? String == "MobiFone")
        let view = try #require((byOperator["communes"] as? [String: Any])?[code] as? [String: Any])
        #expect(view["operator"] as? String == "452-01")
        #expect(CoverageFixture.close(view["5g_area_ratio"], mobifone.coverage[.fiveG] ?? -1))
        #expect(CoverageFixture.close(view["4g_area_ratio"], 0))
        #expect(view["partial_not_spots"] as? Int == 1)
        #expect(view["not_covering_cells"] as? Int == 1)
        #expect(view["has_4g"] as? Bool == false)
        #expect(try Self.request(port, "GET", "/api/v1/coverage/communes?operator=452-02").status == 404)
        #expect(try Self.request(port, "GET", "/api/v1/coverage/communes?operator=viettel").status == 400)

        // GeoJSON communes with operator=: the coverage property is that operator's view.
        let geo = try Self.json(port, "/api/v1/geojson/communes?simplify=1&operator=452-04")
        let features = try #require(geo["features"] as? [[String: Any]])
        let properties = features.compactMap { $0["properties"] as? [String: Any] }
        let mine = try #require(properties.first { $0["code"] as? String == code })
        let coverage = try #require(mine["coverage"] as? [String: Any])
        #expect(coverage["operator"] as? String == "452-04")
        #expect(CoverageFixture.close(coverage["4g_area_ratio"], viettel.coverage[.fourG] ?? -1))
        // Communes without a report of that operator carry no coverage view.
        #expect(
            properties.filter { $0["code"] as? String != code }.allSatisfy {
                $0["coverage"] == nil || $0["coverage"] is NSNull
            })
        #expect(properties.count == communes.count)
        // Without the filter every commune has the all-operator figures with an operators object.
        let plain = try Self.json(port, "/api/v1/geojson/communes?simplify=1")
        let plainMine = try #require(
            (plain["features"] as? [[String: Any]])?.compactMap { $0["properties"] as? [String: Any] }
                .first { $0["code"] as? String == code })
        let operators = (plainMine["coverage"] as? [String: Any])?["operators"] as? [String: Any]
        #expect(operators?.keys.sorted() == ["452-01", "452-04"])

        // GeoJSON cells with operator=: that operator's cells only, with its states.
        let cells = try Self.json(port, "/api/v1/geojson/cells?operator=452-01")
        let cellProperties = (cells["features"] as? [[String: Any]] ?? []).compactMap {
            $0["properties"] as? [String: Any]
        }
        #expect(cellProperties.compactMap { $0["h3"] as? String }.sorted() == [a.description, c.description].sorted())
        #expect(cellProperties.first { $0["h3"] as? String == a.description }?["partial_not_spot"] as? Bool == true)

        // Deleting upload 2 recomputes: a third point, whose figures are the first point's again.
        #expect(try Self.request(port, "DELETE", "/api/v1/reports/\(uploadID)", token: Self.admin).status == 204)
        #expect(
            try await eventually(timeout: .seconds(60), poll: .milliseconds(200)) { try Self.historyCount(port) == 3 })
        let history = try Self.json(port, "/api/v1/coverage/history?commune=\(code)")
        let points = try #require(history["points"] as? [[String: Any]])
        #expect(points.count == 3)
        let fiveG = points.map { $0["5g_area_ratio"] as? Double ?? -1 }
        #expect(fiveG[0] == 0 && fiveG[1] > 0 && fiveG[2] == 0, "\(fiveG)")
        #expect(points.map { $0["reports"] as? Int } == [9, 12, 9])
        // 4G is judged for speed (sites.yaml's FCC tiers) but these reports carry no rates: nothing meets.
        #expect(points.map { $0["speed_area_ratio"] as? Double } == [0, 0, 0], "\(points)")
        let times = points.compactMap { ($0["computed_at"] as? String).flatMap(RFC3339.parse) }
        #expect(times.count == 3 && times == times.sorted())
        let province = try Self.json(port, "/api/v1/coverage/history")
        #expect(province["commune"] is NSNull)
        #expect((province["points"] as? [[String: Any]])?.first?["communes"] as? Int == communes.count)
        // A range keeps the points inside it (times are given to the microsecond: start just before the second).
        let since = RFC3339.format(times[1].addingTimeInterval(-0.001))
        #expect(try Self.historyCount(port, "?commune=\(code)&from=\(since)") == 2)
        #expect(try Self.request(port, "GET", "/api/v1/coverage/history?commune=00000").status == 404)

        // The commune's trend: well-formed SVG with the three target elements and the three series.
        let svg = try Self.request(port, "GET", "/api/v1/coverage/history.svg?commune=\(code)")
        #expect(svg.status == 200)
        let parsed = try SVGElements.parse(svg.body)
        #expect(parsed.targets == ["4g_every_commune", "5g_area_ratio", "max_dead_zones"])
        #expect(parsed.series == ["3G", "4G", "5G", "dead_zones"])

        // The dashboard loads the coverage script.
        let page = try Self.request(port, "GET", "/")
        #expect(page.body.contains("/dashboard-coverage.js") && page.body.contains("id=\"operator\""))
        #expect(try Self.request(port, "GET", "/dashboard-coverage.js").body.contains("netmon:operator"))
    }
}

/// The `data-target` and `data-series` attributes of an SVG document, read with XMLParser (which fails on text
/// that is not well-formed XML).
final class SVGElements: NSObject, XMLParserDelegate {
    var targets: [String] = []
    var series: [String] = []
    var root: String?

    static func parse(_ text: String) throws -> SVGElements {
        let parser = XMLParser(data: Data(text.utf8))
        let collector = SVGElements()
        parser.delegate = collector
        guard parser.parse(), collector.root == "svg" else {
            throw RawHTTPError(
                "not well-formed SVG: \(parser.parserError.map { "\($0)" } ?? "root \(collector.root ?? "-")")")
        }
        collector.targets.sort()
        collector.series.sort()
        return collector
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if root == nil { root = elementName }
        if let t = attributes["data-target"] { targets.append(t) }
        if let s = attributes["data-series"] { series.append(s) }
    }
}
