import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonServer
import TestSupport
import Testing

/// Query parameters: every number finite and bounded, every bad value a 400 naming the parameter.
@Suite("Hostile clients: query parameters")
struct QueryParameterTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var uri: String
        /// The parameter the 400 must name.
        var names: String
        var testDescription: String { uri }
    }

    static let series = "/api/v1/links/11953/hub/series"
    static let smoke = "/api/v1/links/11953/hub/smoke.svg"

    static let cases: [Case] = [
        // A step that converts to Int out of range trapped the whole server ("Illegal instruction").
        Case(uri: smoke + "?step=1e19", names: "step"),
        Case(uri: series + "?step=1e19", names: "step"),
        Case(uri: series + "?step=1e308", names: "step"),
        Case(uri: smoke + "?step=1e308d", names: "step"),
        Case(uri: series + "?step=0.5", names: "step"),
        Case(uri: series + "?step=-5m", names: "step"),
        Case(uri: series + "?step=nan", names: "step"),
        Case(uri: series + "?step=inf", names: "step"),
        Case(uri: series + "?step=1s", names: "step"),  // 10,800 points over the default 3 h
        Case(uri: series + "?step=1m&step=5m", names: "step"),
        Case(uri: series + "?from=1e300", names: "from"),
        Case(uri: series + "?from=-1e300", names: "from"),
        Case(uri: series + "?to=9999-12-31T23:59:59Z", names: "to"),
        Case(uri: series + "?from=0001-01-01T00:00:00Z", names: "from"),
        Case(uri: series + "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", names: "from"),
        Case(uri: series + "?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", names: "from"),
        Case(uri: series + "?from=yesterday", names: "from"),
        Case(uri: "/api/v1/geojson/cells?bbox=nan,0,1,1", names: "bbox"),
        Case(uri: "/api/v1/geojson/cells?bbox=0,0,1", names: "bbox"),
        Case(uri: "/api/v1/geojson/cells?bbox=0,0,1,1,", names: "bbox"),
        Case(uri: "/api/v1/geojson/cells?bbox=0,1e309,1,1", names: "bbox"),
        Case(uri: "/api/v1/geojson/communes?simplify=yes", names: "simplify"),
    ]

    @Test("a bad query parameter is a 400 naming it, and the server carries on", arguments: cases)
    func refused(_ c: Case) async throws {
        try await withServer { client, store in
            try await seed(store)
            try await client.execute(uri: c.uri, method: .get, headers: Fixture.headers(Fixture.viewerSecret)) { r in
                #expect(r.status == .badRequest, "\(r.text)")
                #expect(r.text.contains("'\(c.names)'"), "\(r.text)")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("the largest allowed step and range still draw: one point per 400 days")
    func largestStep() async throws {
        try await withServer { client, store in
            try await seed(store)
            let uri =
                Self.smoke + "?from=2025-01-01T00:00:00Z&to=2026-02-05T00:00:00Z&step=400d"
            try await client.execute(uri: uri, method: .get, headers: Fixture.headers(Fixture.viewerSecret)) { r in
                #expect(r.status == .ok, "\(r.text)")
                #expect(r.text.contains("step 34560000 s"), "\(r.text.suffix(300))")
            }
            try await client.execute(
                uri: Self.series + "?step=5m&from=\(Int(Fixture.now.timeIntervalSince1970) - 3600)", method: .get,
                headers: Fixture.headers(Fixture.viewerSecret)
            ) { r in
                #expect(r.status == .ok, "\(r.text)")
                #expect(r.text.contains("\"step_seconds\":300"), "\(r.text.prefix(300))")
            }
        }
    }
}

/// `/metrics` needs a token unless anonymous scrapes are allowed explicitly (or anonymous viewers are).
@Suite("Hostile clients: /metrics access")
struct MetricsAccessTests {
    @Test("401 without a token, 200 with a viewer token, 200 anonymously when allowed")
    func metricsNeedsToken() async throws {
        try await withServer { client, _ in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: Fixture.headers(Fixture.viewerSecret)) {
                #expect($0.status == .ok)
                #expect($0.text.contains("netmon_server_http_connections_max 512.0\n"))
            }
            try await client.execute(uri: "/metrics", method: .get, headers: Fixture.headers(Fixture.probeSecret)) {
                #expect($0.status == .forbidden)
            }
        }
        var open = Fixture.configuration()
        open.anonymousMetrics = true
        try await withServer(open) { client, _ in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .ok) }
        }
        try await withServer(Fixture.configuration(anonymous: .viewer)) { client, _ in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .ok) }
        }
    }
}

/// Rate limits: one anonymous client cannot use up everyone's requests; the bucket table stays bounded.
@Suite("Hostile clients: rate limits")
struct RateLimitTests {
    @Test("anonymous buckets are per client address: 127.0.0.1 at its limit, 127.0.0.2 still served")
    func anonymousPerAddress() async throws {
        let configuration = Fixture.configuration(
            rateLimit: RateLimit(requestsPerSecond: 0.01, burst: 3), anonymous: .viewer)
        try await withServer(configuration, testing: .live) { client, _ in
            let port = try #require(client.port)
            let request = "GET /api/v1/summary HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            @Sendable func status(from source: String) throws -> Int? {
                let connection = try RawConnection(port: port, source: source)
                connection.send(request)
                return statusCode(of: String(decoding: connection.readAll(timeout: 30), as: UTF8.self))
            }
            var first: [Int?] = []
            for _ in 0..<4 { first.append(try await offPool { try status(from: "127.0.0.1") }) }
            #expect(first == [200, 200, 200, 429])
            #expect(try await offPool { try status(from: "127.0.0.2") } == 200)
            // A token has its own bucket, whatever the address.
            let viewer = try await client.execute(
                uri: "/api/v1/summary", method: .get, headers: Fixture.headers(Fixture.viewerSecret))
            #expect(viewer.status == .ok)
        }
    }

    @Test("the bucket table stays bounded while clients from ever new addresses come")
    func boundedBuckets() async throws {
        let configuration = Fixture.configuration(
            rateLimit: RateLimit(requestsPerSecond: 1000, burst: 1000, maxBuckets: 8), anonymous: .viewer)
        try await withServer(configuration, testing: .live) { client, _ in
            let port = try #require(client.port)
            for i in 0..<40 {
                let reply = try await offPool { () -> Int? in
                    let connection = try RawConnection(port: port, source: "127.0.1.\(i + 1)")
                    connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    return statusCode(of: String(decoding: connection.readAll(timeout: 30), as: UTF8.self))
                }
                #expect(reply == 200)
            }
            let metrics = try await client.execute(
                uri: "/metrics", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ).text
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("netmon_server_rate_limit_buckets ") }
            let buckets = try #require(line.flatMap { Double($0.split(separator: " ")[1]) }, "\(metrics)")
            #expect((1...8).contains(buckets))
        }
    }
}

/// Idle connections, slow headers and too many connections.
@Suite("Hostile clients: connections")
struct ConnectionLimitTests {
    static func configuration(idle: Duration, max: Int) -> ServerConfiguration {
        var c = Fixture.configuration()
        c.connectionLimits = ConnectionLimits(idleTimeout: idle, maxConnections: max)
        return c
    }

    @Test("idle connections and a byte-at-a-time client are closed within the idle timeout; others are served")
    func idleAndSlowloris() async throws {
        try await withServer(Self.configuration(idle: .seconds(1), max: 1000), testing: .live) { client, _ in
            let port = try #require(client.port)
            let idle = try (0..<100).map { _ in try RawConnection(port: port) }
            // A slowloris: a request head one byte every 200 ms, never finished within the timeout.
            let slow = try RawConnection(port: port)
            let head = Array(
                "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: \(String(repeating: "a", count: 100))".utf8)
            let started = Date()
            let slowClosed = try await offPool { () -> Bool in
                for byte in head {
                    if !slow.send([byte]) { return true }
                    if slow.isClosed(within: 0.2) { return true }
                }
                return false
            }
            #expect(slowClosed, "the slow client was still open after \(Date().timeIntervalSince(started)) s")
            #expect(Date().timeIntervalSince(started) < 10)
            // A normal client is served meanwhile.
            let served = try await offPool { try rawExchange(port: port, request: Self.healthz) }
            #expect(served.status == 200, "\(served.text)")
            let closed = try await offPool { idle.map { $0.isClosed(within: 3) } }
            #expect(closed.allSatisfy { $0 }, "\(closed.filter { !$0 }.count) of 100 idle connections still open")
        }
    }

    static let healthz = Array("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)

    @Test("over the connection cap new connections are closed at once; once idle ones go, clients are served again")
    func connectionCap() async throws {
        try await withServer(Self.configuration(idle: .seconds(3), max: 20), testing: .live) { client, _ in
            let port = try #require(client.port)
            // The test client holds one connection of its own; 25 more are 5 or 6 over the cap.
            var connections: [RawConnection] = []
            for _ in 0..<25 { connections.append(try RawConnection(port: port)) }
            let opened = connections
            let closedAtOnce = try await offPool { () -> Int in
                usleep(1_000_000)
                return opened.filter { $0.isClosed(within: 0.01) }.count
            }
            #expect((5...6).contains(closedAtOnce), "\(closedAtOnce) of 25 closed within a second")
            // The rest time out (3 s idle); then the server answers again.
            #expect(try await offPool { opened.allSatisfy { $0.isClosed(within: 8) } })
            let reply = try await offPool { try rawExchange(port: port, request: Self.healthz) }
            #expect(reply.status == 200, "\(reply.text)")
        }
    }
}

/// Uploads are spooled privately and bounded per record.
@Suite("Hostile clients: uploads")
struct UploadHardeningTests {
    @Test("the spool file is 0600 in a 0700 folder while an upload arrives, and gone afterwards")
    func privateSpool() async throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-spool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        var configuration = BadUploadTests.configuration(anonymousViewer: false)
        configuration.uploadDirectory = parent.path
        try await withServer(configuration, testing: .live) { client, _ in
            let port = try #require(client.port)
            let body = Array(([BadUploadTests.header] + BadUploadTests.good).joined(separator: "\n").utf8)
            let connection = try RawConnection(port: port)
            connection.send(
                "POST /api/v1/reports?format=csv HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Fixture.adminSecret)\r\n"
                    + "Content-Type: text/csv\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n")
            connection.send(Array(body.prefix(40)))
            let folder = parent.appendingPathComponent("netmon-uploads-\(geteuid())").path
            var spooled: [String] = []
            for _ in 0..<100 where spooled.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
                spooled = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            }
            let name = try #require(spooled.first, "no spool file appeared in \(folder)")
            #expect(try Self.mode(folder) == 0o700)
            #expect(try Self.mode(folder + "/" + name) == 0o600)
            connection.send(Array(body.dropFirst(40)))
            let reply = String(decoding: try await offPool { connection.readAll(timeout: 30) }, as: UTF8.self)
            #expect(statusCode(of: reply) == 201, "\(reply)")
            #expect((try? FileManager.default.contentsOfDirectory(atPath: folder)) == [])
        }
    }

    static func mode(_ path: String) throws -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw RawHTTPError("lstat \(path): \(String(cString: strerror(errno)))") }
        return Int(info.st_mode & 0o777)
    }

    @Test("one GeoJSON feature or JSON line over 1 MiB is a 413 naming it; nothing is stored")
    func oversizedRecord() async throws {
        var configuration = BadUploadTests.configuration()
        configuration.maxReportUploadBytes = 8 << 20
        try await withServer(configuration) { client, store in
            let padding = String(repeating: "x", count: 1 << 20)
            let good =
                #"{"type":"Feature","geometry":{"type":"Point","coordinates":[106.05,20.65]},"properties":{"time":"2026-01-05T08:00:00+07:00","technology":"4G","rsrp_dbm":-95}}"#
            let huge =
                #"{"type":"Feature","geometry":{"type":"Point","coordinates":[106.05,20.65]},"properties":{"time":"2026-01-05T08:00:00+07:00","technology":"4G","rsrp_dbm":-95,"note":"\#(padding)"}}"#
            let geojson = #"{"type":"FeatureCollection","features":["# + good + "," + huge + "]}"
            let r = try await client.execute(
                uri: "/api/v1/reports?format=geojson", method: .post, headers: Fixture.headers(Fixture.adminSecret),
                body: ByteBuffer(string: geojson))
            #expect(r.status == .contentTooLarge, "\(r.text)")
            #expect(r.text.contains("feature 2"), "\(r.text)")
            let lines =
                #"{"time":"2026-01-05T08:00:00+07:00","lat":20.65,"lon":106.05,"technology":"4G","rsrp_dbm":-95,"x":""#
                + padding + "\"}\n"
            let j = try await client.execute(
                uri: "/api/v1/reports?format=jsonl", method: .post, headers: Fixture.headers(Fixture.adminSecret),
                body: ByteBuffer(string: lines))
            #expect(j.status == .contentTooLarge, "\(j.text)")
            #expect(j.text.contains("row 1"), "\(j.text)")
            #expect(try await store.signalReportCount() == 0)
        }
    }
}
