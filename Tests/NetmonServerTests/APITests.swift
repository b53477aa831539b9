import Foundation
import HTTPTypes
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonProtocol
import NetmonServer
import TestSupport
import Testing

/// Fills the store: 11953 healthy, 11977 critical (loss), 11980 warn (latency), 11983 silent (old data).
func seed(_ store: any ProvinceStore) async throws {
    let now = Fixture.now
    func rounds(_ code: String, count: Int, ageMinutes: Double, rtt: Double, received: Int) -> [ProbeRound] {
        (0..<count).flatMap { i in
            ["hub", "portal"].enumerated().map { t, target in
                Fixture.round(
                    probe: "probe-\(code)", commune: code, target: target, sequence: Int64(i * 2 + t),
                    start: now.addingTimeInterval(-ageMinutes * 60 - Double(count - i) * 60),
                    rttMs: (0..<received).map { rtt + Double($0) * 0.3 })
            }
        }
    }
    _ = try await store.ingest(
        rounds("11953", count: 30, ageMinutes: 0, rtt: 12, received: 20), probeID: "probe-11953", receivedAt: now)
    _ = try await store.ingest(
        rounds("11977", count: 30, ageMinutes: 0, rtt: 20, received: 14), probeID: "probe-11977", receivedAt: now)
    _ = try await store.ingest(
        rounds("11980", count: 30, ageMinutes: 0, rtt: 70, received: 20), probeID: "probe-11980", receivedAt: now)
    _ = try await store.ingest(
        rounds("11983", count: 5, ageMinutes: 60, rtt: 10, received: 20), probeID: "probe-11983",
        receivedAt: now.addingTimeInterval(-3600))
}

@Suite("JSON, GeoJSON, metrics and dashboard endpoints")
struct APITests {
    struct Communes: Decodable {
        struct C: Decodable {
            var code: String
            var name: String
            var status: String
            var latency_median_ms: Double?
            var loss_ratio: Double?
        }
        var counts: [String: Int]
        var communes: [C]
    }

    @Test("communes carry their current link health")
    func communes() async throws {
        try await withServer { client, store in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await seed(store)
            try await client.execute(
                uri: "/api/v1/communes", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.contains("charset=utf-8") == true)
                let c = try r.decode(Communes.self)
                #expect(c.communes.count == 104)
                let byCode = Dictionary(uniqueKeysWithValues: c.communes.map { ($0.code, $0) })
                #expect(byCode["11953"]?.status == "ok")
                #expect(byCode["11977"]?.status == "critical")
                #expect(byCode["11980"]?.status == "warn")
                #expect(byCode["11983"]?.status == "silent")
                #expect(byCode["12025"]?.status == "unknown")
                #expect(byCode["11953"]?.name == "Phường Phố Hiến")
                #expect(abs((byCode["11977"]?.loss_ratio ?? 0) - 0.3) < 1e-9)
                #expect(c.counts["unknown"] == 100)
            }
            try await client.execute(
                uri: "/api/v1/communes/99999", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) {
                #expect($0.status == .notFound)
            }
            try await client.execute(
                uri: "/api/v1/probes", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) { r in
                struct P: Decodable {
                    struct Row: Decodable { var probe_id: String; var last_seen: String?; var rounds_accepted: Int }
                    var probes: [Row]
                }
                let p = try r.decode(P.self)
                #expect(p.probes.count == 104)
                let row = p.probes.first { $0.probe_id == "probe-11983" }
                #expect(row?.last_seen == "2026-09-21T13:13:20Z")
                #expect(row?.rounds_accepted == 10)
            }
        }
    }

    @Test("a link's series pools RTTs per step; bad ranges are 400/404")
    func series() async throws {
        try await withServer { client, store in
            try await seed(store)
            let from = Int(Fixture.now.timeIntervalSince1970) - 1800
            let to = Int(Fixture.now.timeIntervalSince1970)
            try await client.execute(
                uri: "/api/v1/links/11953/hub/series?from=\(from)&to=\(to)&step=5m", method: .get,
                headers: Fixture.headers(Fixture.viewerSecret)
            ) { r in
                #expect(r.status == .ok, "\(r.text)")
                struct S: Decodable {
                    struct P: Decodable {
                        var rounds: Int; var sent: Int; var median_ms: Double?; var smoke_ms: [Double]
                    }
                    var step_seconds: Double
                    var points: [P]
                }
                let s = try r.decode(S.self)
                #expect(s.step_seconds == 300)
                #expect(s.points.count == 6)
                #expect(s.points.allSatisfy { $0.rounds == 5 && $0.sent == 100 })
                #expect(abs((s.points[0].median_ms ?? 0) - (12 + 9.5 * 0.3)) < 1e-6)
                #expect(s.points[0].smoke_ms.count == 20)
            }
            try await client.execute(
                uri: "/api/v1/links/11953/hub/smoke.svg?from=\(from)&to=\(to)&step=60", method: .get,
                headers: Fixture.headers(Fixture.viewerSecret)
            ) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("image/svg+xml") == true)
                #expect(r.text.contains("Phường Phố Hiến → hub"))
                #expect(r.text.contains("fill-opacity"))
                #expect(r.text.contains("stroke=\"#1a9850\""))  // median line coloured "no loss"
                #expect(!r.text.contains("from hourly rollups"))
            }
            let bad: [(String, HTTPResponse.Status)] = [
                ("/api/v1/links/11953/hub/series?from=yesterday", .badRequest),
                ("/api/v1/links/11953/hub/series?from=\(to)&to=\(from)", .badRequest),
                ("/api/v1/links/11953/hub/series?step=-5", .badRequest),
                ("/api/v1/links/11953/hub/series?step=abc", .badRequest),
                ("/api/v1/links/11953/hub/series?from=0&to=\(to)&step=1", .badRequest),
                ("/api/v1/links/99999/hub/series", .notFound),
                ("/api/v1/links/11953/nothing/series", .notFound),
            ]
            for (uri, status) in bad {
                try await client.execute(uri: uri, method: .get, headers: Fixture.headers(Fixture.viewerSecret)) { r in
                    #expect(r.status == status, "\(uri): \(r.text)")
                    #expect(r.text.contains("message"), "\(uri)")
                }
            }
        }
    }

    @Test("GeoJSON follows RFC 7946: FeatureCollections, [lon, lat] in the province, geometry and properties present")
    func geojson() async throws {
        try await withServer { client, store in
            try await seed(store)
            for (uri, expected) in [
                ("/api/v1/geojson/communes", 104), ("/api/v1/geojson/communes?simplify=1", 104),
                ("/api/v1/geojson/probes", 104), ("/api/v1/geojson/dead-zones", 0),
                ("/api/v1/geojson/cells?bbox=105.9,20.2,106.7,21.0", 0),
            ] {
                try await client.execute(uri: uri, method: .get, headers: Fixture.headers(Fixture.viewerSecret)) { r in
                    #expect(r.status == .ok)
                    #expect(r.headers[.contentType]?.hasPrefix("application/geo+json") == true)
                    let root = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
                    #expect(root?["type"] as? String == "FeatureCollection")
                    #expect(root?["crs"] == nil)
                    let features = root?["features"] as? [[String: Any]] ?? []
                    #expect(features.count == expected, "\(uri)")
                    for f in features {
                        #expect(f["type"] as? String == "Feature")
                        #expect(f.keys.contains("geometry") && f["properties"] is [String: Any])
                        var positions: [[Double]] = []
                        func walk(_ v: Any) {
                            if let a = v as? [Double], a.count == 2 {
                                positions.append(a)
                            } else if let a = v as? [Any] {
                                a.forEach(walk)
                            }
                        }
                        walk((f["geometry"] as? [String: Any])?["coordinates"] ?? [])
                        #expect(!positions.isEmpty)
                        #expect(
                            positions.allSatisfy { (105.8...106.7).contains($0[0]) && (20.2...21.1).contains($0[1]) })
                    }
                    if uri.hasPrefix("/api/v1/geojson/communes") {
                        let props = features.compactMap { $0["properties"] as? [String: Any] }
                        let nam = props.first { $0["code"] as? String == "11977" }
                        #expect(nam?["status"] as? String == "critical")
                        #expect((root?["bbox"] as? [Double])?.count == 4)
                    }
                }
            }
            try await client.execute(
                uri: "/api/v1/geojson/cells?bbox=1,2,3", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) {
                #expect($0.status == .badRequest)
            }
        }
    }

    @Test("coverage snapshots from the store appear in GeoJSON and the summary, cells filtered by bbox")
    func coverageSnapshots() async throws {
        try await withServer { client, store in
            let cells =
                #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.0,20.5],[106.01,20.5],[106.01,20.51],[106.0,20.5]]]},"properties":{"h3":"a"}},{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.5,20.9],[106.51,20.9],[106.51,20.91],[106.5,20.9]]]},"properties":{"h3":"b"}}]}"#
            try await store.saveCoverageSnapshot(CoverageSnapshot(kind: "cells", createdAt: Fixture.now, json: cells))
            try await store.saveCoverageSnapshot(
                CoverageSnapshot(
                    kind: "summary", createdAt: Fixture.now,
                    json: #"{"5g_area_ratio":0.42,"dead_zones":3,"communes_with_4g":100}"#))
            try await client.execute(
                uri: "/api/v1/geojson/cells?bbox=105.9,20.4,106.2,20.6", method: .get,
                headers: Fixture.headers(Fixture.viewerSecret)
            ) { r in
                let root = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
                let features = root?["features"] as? [[String: Any]] ?? []
                #expect(features.count == 1)
                #expect((features.first?["properties"] as? [String: Any])?["h3"] as? String == "a")
            }
            try await client.execute(
                uri: "/api/v1/summary", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) { r in
                #expect(r.text.contains("\"5g_area_ratio\":0.42"))
                #expect(r.text.contains("\"province\":\"Hưng Yên\""))
            }
        }
    }

    @Test("/metrics is valid Prometheus text (promtool) and counts ingest")
    func metrics() async throws {
        try await withServer { client, store in
            try await seed(store)
            let batch = Fixture.body(
                ProbeRoundBatch(
                    probeID: "probe-11953", rounds: [Fixture.round(sequence: 1000), Fixture.round(sequence: 1000)]))
            try await client.execute(
                uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(Fixture.probeSecret), body: batch
            ) { _ in }
            try await client.execute(
                uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers("bad"), body: batch
            ) { _ in }
            try await client.execute(uri: "/metrics", method: .get, headers: Fixture.headers(Fixture.viewerSecret)) {
                r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                let text = r.text
                #expect(text.contains("netmon_server_ingest_rounds_total{result=\"accepted\"} 1\n"))
                #expect(text.contains("netmon_server_ingest_rounds_total{result=\"duplicate\"} 1\n"))
                #expect(text.contains("status=\"401\""))
                #expect(text.contains("netmon_server_communes{status=\"critical\"} 1.0\n"))
                #expect(text.contains("netmon_server_probe_last_heard_timestamp_seconds{probe=\"probe-11953\"}"))
                // Every family of the server keeps its name and type (coverage's and alerting's are in their suites).
                let types = Set(text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.dropFirst(7) })
                let expected: Set<Substring> = [
                    "netmon_server_communes gauge", "netmon_server_http_connections gauge",
                    "netmon_server_http_connections_max gauge", "netmon_server_http_connections_rejected_total counter",
                    "netmon_server_http_request_duration_seconds histogram",
                    "netmon_server_http_requests_total counter",
                    "netmon_server_ingest_batches_rejected_total counter", "netmon_server_ingest_rounds_total counter",
                    "netmon_server_probe_last_heard_timestamp_seconds gauge", "netmon_server_rate_limit_buckets gauge",
                    "netmon_server_rate_limited_total counter", "netmon_server_report_rows_total counter",
                    "netmon_server_report_uploads_total counter", "netmon_server_start_time_seconds gauge",
                ]
                #expect(expected.isSubset(of: types), "\(expected.subtracting(types))")
                #expect(text.components(separatedBy: "# TYPE ").count - 1 == types.count)
                if let verdict = try Promtool.checkMetrics(text) {
                    #expect(verdict.status == 0, "promtool: \(verdict.output)")
                }
            }
        }
    }

    @Test("dashboard page, script and Debian's Leaflet are served; traversal is refused")
    func dashboard() async throws {
        try await withServer { client, _ in
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                #expect(r.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
                #expect(r.text.contains("/static/leaflet/leaflet.js"))
            }
            try await client.execute(uri: "/dashboard.js", method: .get) { #expect($0.text.contains("L.geoJSON")) }
            try await client.execute(uri: "/static/leaflet/leaflet.js", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.body.readableBytes > 100_000)
            }
            for uri in [
                "/static/leaflet/../../../../etc/passwd", "/static/leaflet/%2e%2e/x.js", "/static/leaflet/leaflet.exe",
                "/static/leaflet/nothere.js",
            ] {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect((400..<500).contains(Int(r.status.code)), "\(uri): \(r.status)")
                }
            }
        }
    }

    @Test("anonymous viewers when configured: reads allowed, ingest still needs a probe token")
    func anonymousViewer() async throws {
        try await withServer(Fixture.configuration(anonymous: .viewer)) { client, _ in
            try await client.execute(uri: "/api/v1/summary", method: .get, headers: Fixture.headers(nil)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/admin/tokens", method: .get, headers: Fixture.headers(nil)) {
                #expect($0.status == .forbidden)
            }
            let batch = Fixture.body(ProbeRoundBatch(probeID: "probe-11953", rounds: []))
            try await client.execute(
                uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(nil), body: batch
            ) {
                #expect($0.status == .unauthorized)
            }
        }
    }
}
