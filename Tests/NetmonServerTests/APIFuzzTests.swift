import Foundation
import NIOCore
import NetmonLab
import NetmonProtocol
import TestSupport
import Testing

/// Drives every route of `netmon serve` (the built binary, on SQLite, alerting on) with random and mutated paths,
/// query strings, headers and bodies, as each role (anonymous with `--public-dashboard`, viewer, admin, probe, and
/// bad tokens). After each request: no 5xx (a 503 for a store outage aside) and `/healthz` still answers 200.
///
/// Seeded and reproducible: the seed is printed; `NETMON_FUZZ_SEED=N` replays a run, `NETMON_FUZZ_REQUESTS=N` sets
/// its length (default 2000, about half a minute), `NETMON_FUZZ_FAILURES=DIR` keeps failing requests there.
/// `fuzz/run-api.sh` runs a long one. Inputs that found bugs are checked in under `fuzz/regressions/api/` and
/// replayed first, every run.
@Suite(
    "HTTP API fuzzing against netmon serve",
    .serialized,
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: NetmonBinary.path), "needs the built netmon binary"))
struct APIFuzzTests {
    static let secrets: [String: String] = [
        "probe": "fuzz-probe-secret-11953", "viewer": "fuzz-viewer-secret-0001", "admin": "fuzz-admin-secret-0001",
    ]

    @Test("the fuzzer's route table is every route the server registers")
    func routeTableIsComplete() throws {
        let registered = try Self.registeredRoutes()
        let fuzzed = Set(FuzzRoute.all.map { "\($0.method) \($0.template)" })
        #expect(registered.count >= 25, "\(registered)")
        #expect(
            registered.subtracting(fuzzed).isEmpty, "routes the fuzzer does not know: \(registered.subtracting(fuzzed))"
        )
        #expect(
            fuzzed.subtracting(registered).isEmpty, "routes the server no longer has: \(fuzzed.subtracting(registered))"
        )
    }

    /// The run's seed and length, from the environment.
    static func settings(defaultCount: Int) -> (seed: UInt64, count: Int) {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["NETMON_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64(UInt32.max))
        let count = environment["NETMON_FUZZ_REQUESTS"].flatMap(Int.init) ?? defaultCount
        return (seed, count)
    }

    @Test("seeded random requests to every route of the netmon binary, as every role: no 5xx, /healthz answers")
    func fuzzBinary() async throws {
        let (seed, count) = Self.settings(defaultCount: 2000)
        print("APIFuzzTests (binary): seed \(seed), \(count) requests (NETMON_FUZZ_SEED=\(seed) to replay)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "netmon-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await Self.startServer(in: directory)
        defer { server.stop() }
        let outcome = try await Self.run(
            port: server.port, seed: seed, count: count, secrets: Self.secrets, now: Date(),
            isRunning: { server.isRunning }, log: { server.log })
        #expect(count < 500 || outcome.covered == FuzzRoute.all.count, "routes covered: \(outcome.covered)")
        #expect(outcome.failures.isEmpty, "seed \(seed):\n\(outcome.failures.joined(separator: "\n\n"))")
        #expect(server.isRunning, "netmon serve exited: \(server.log.suffix(3000))")
    }

    @Test("the same in-process (Hummingbird on a live port, no alerting): no 5xx, /healthz answers")
    func fuzzInProcess() async throws {
        let (seed, count) = Self.settings(defaultCount: 600)
        print("APIFuzzTests (in-process): seed \(seed), \(count) requests (NETMON_FUZZ_SEED=\(seed) to replay)")
        let secrets = ["probe": Fixture.probeSecret, "viewer": Fixture.viewerSecret, "admin": Fixture.adminSecret]
        try await withServer(Fixture.configuration(anonymous: .viewer), testing: .live) { client, _ in
            let port = try #require(client.port)
            let outcome = try await Self.run(
                port: port, seed: seed, count: count, secrets: secrets, now: Fixture.now, isRunning: { true },
                log: { "" })
            #expect(outcome.failures.isEmpty, "seed \(seed):\n\(outcome.failures.joined(separator: "\n\n"))")
        }
    }

    /// Seeds some rounds, replays the regressions, then sends `count` generated requests, each followed by
    /// `/healthz`. Returns how many routes were hit and what failed (at most 10; the run stops there).
    static func run(
        port: Int, seed: UInt64, count: Int, secrets: [String: String], now: Date,
        isRunning: @escaping @Sendable () -> Bool, log: @escaping @Sendable () -> String
    ) async throws -> (covered: Int, failures: [String]) {
        let keep = ProcessInfo.processInfo.environment["NETMON_FUZZ_FAILURES"]
        // Some data, so that series, smoke graphs and health have something to draw.
        let seedRequest = FuzzRequest.seedIngest(secret: secrets["probe"] ?? "", now: now)
        let seeded = try await offPool { try rawExchange(port: port, request: seedRequest) }
        #expect(seeded.status == 200, "\(seeded.text)")

        var failures: [String] = []
        func check(_ request: [UInt8], label: String, malformed: Bool) async throws {
            // A request broken on purpose is followed by end of input, so that the server does not wait for more.
            let exchanged = try await offPool { () -> (status: Int?, text: String, error: String?) in
                do {
                    let r = try rawExchange(port: port, request: request, halfClose: malformed)
                    return (r.status, r.text, nil)
                } catch {
                    return (nil, "", "\(error)")
                }
            }
            let reply = (status: exchanged.status, text: exchanged.text)
            let health = try await offPool {
                try? rawExchange(
                    port: port, request: Array("GET /healthz HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n".utf8),
                    timeout: 30)
            }
            var problem: String?
            if let status = reply.status, status >= 500,
                !(status == 503 && reply.text.contains("the measurement store failed"))
            {
                problem = "status \(status): \(reply.text.prefix(600))"
            } else if let error = exchanged.error {
                problem = "no connection: \(error)"
            } else if reply.status == nil && !malformed {
                problem = "no HTTP reply to a well-formed request"
            }
            if health?.status != 200 {
                problem =
                    (problem ?? "") + " /healthz then answered \(health?.status.map(String.init) ?? "nothing")"
                    + (isRunning() ? "" : " (the server exited: \(log().suffix(2000)))")
            }
            if var problem {
                // What the server logged about it (netmon serve logs unexpected errors before answering 500).
                let logged = log().split(separator: "\n").suffix(40).filter { $0.contains("error") }.suffix(3)
                if !logged.isEmpty { problem += "\n--- server log ---\n" + logged.joined(separator: "\n") }
                failures.append(
                    "\(label): \(problem)\n--- request ---\n\(String(decoding: request.prefix(2000), as: UTF8.self))")
                if let keep {
                    try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
                    try? Data(request).write(
                        to: URL(fileURLWithPath: keep).appendingPathComponent(
                            "seed\(seed)-"
                                + String(label.map { $0.isLetter || $0.isNumber ? $0 : "_" }) + ".http"))
                }
            }
        }

        // 1. Every checked-in regression input.
        for (name, request) in try Self.regressions(secrets: secrets) {
            try await check(request, label: "regression \(name)", malformed: false)
        }
        // 2. Generated requests.
        var generator = FuzzGenerator(seed: seed, secrets: secrets)
        var covered: Set<FuzzRoute> = []
        var sent = 0
        for i in 0..<count {
            let request = generator.next()
            try await check(request.bytes, label: "request \(i) (\(request.route))", malformed: request.malformed)
            covered.insert(request.route)
            sent += 1
            if failures.count >= 10 || !isRunning() { break }
        }
        print(
            "APIFuzzTests: seed \(seed): \(sent) requests over \(covered.count) of \(FuzzRoute.all.count) routes, \(failures.count) failures"
        )
        return (covered.count, failures)
    }

    /// `netmon serve` on a fresh SQLite database, alerting on (its one receiver a loopback port nobody listens on),
    /// anonymous viewers allowed, a rate limit no test run reaches.
    static func startServer(in directory: URL) async throws -> ServeProcess {
        let sites = try String(
            contentsOfFile: Fixture.repoRoot.appendingPathComponent("sites.yaml").path, encoding: .utf8)
        guard let alerts = sites.range(of: "\nalerts:") else { throw RawHTTPError("sites.yaml has no alerts: block") }
        var yaml = String(sites[..<alerts.lowerBound]) + "\n"
        // sites.yaml names the boundaries relative to its own folder; the copy lives elsewhere.
        yaml = yaml.replacingOccurrences(
            of: "boundaries: data/boundaries/hungyen_communes_2025.geojson", with: "boundaries: \(Fixture.boundaries)")
        let hook = try freePort()
        yaml += """
            alerts:
              receivers:
                - { name: noc, webhook: { url: "http://127.0.0.1:\(hook)/hook", secret: whsec_ZnV6ei13ZWJob29rLXNlY3JldA==, format: standard } }
              route: { receiver: noc, group_by: [alertname, commune], group_wait: 1s, group_interval: 5s, repeat_interval: 1h }

            """
        let sitesPath = directory.appendingPathComponent("sites.yaml").path
        try yaml.write(toFile: sitesPath, atomically: true, encoding: .utf8)
        let tokensPath = directory.appendingPathComponent("tokens").path
        try """
        probe probe-11953 \(secrets["probe"] ?? "")
        viewer noc \(secrets["viewer"] ?? "")
        admin root \(secrets["admin"] ?? "")

        """.write(toFile: tokensPath, atomically: true, encoding: .utf8)
        return try await ServeProcess(
            arguments: [
                "--config", sitesPath, "--database", "sqlite:" + directory.appendingPathComponent("p.sqlite").path,
                "--tokens", tokensPath, "--public-dashboard", "--rate-limit", "1000000", "--alerts-interval", "1",
            ], directory: directory)
    }

    /// `METHOD /path` of every `router.METHOD("/path")` in Sources/NetmonServer.
    static func registeredRoutes() throws -> Set<String> {
        let root = Fixture.repoRoot.appendingPathComponent("Sources/NetmonServer")
        guard let files = FileManager.default.enumerator(atPath: root.path) else { return [] }
        let pattern = try NSRegularExpression(pattern: #"router\.(get|post|put|patch|delete|head)\("([^"]+)""#)
        var out: Set<String> = []
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let method = Range(m.range(at: 1), in: text), let path = Range(m.range(at: 2), in: text) else {
                    continue
                }
                out.insert("\(text[method].uppercased()) \(text[path])")
            }
        }
        return out
    }

    /// The checked-in inputs: `fuzz/regressions/api/*.txt`, each a request line, headers, a blank line and a body;
    /// `{viewer}`, `{admin}` and `{probe}` stand for the tokens; Host, Connection and Content-Length are added.
    static func regressions(secrets: [String: String]) throws -> [(String, [UInt8])] {
        let folder = Fixture.repoRoot.appendingPathComponent("fuzz/regressions/api")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".txt") }.sorted().map { name in
            var text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for (role, secret) in secrets { text = text.replacingOccurrences(of: "{\(role)}", with: secret) }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }
            let blank = lines.firstIndex(where: \.isEmpty) ?? lines.endIndex
            let head = lines[..<blank].map(String.init)
            var body = blank < lines.endIndex ? lines[(blank + 1)...].joined(separator: "\n") : ""
            if body.hasSuffix("\n") { body.removeLast() }
            var request = head.joined(separator: "\r\n") + "\r\nHost: fuzz\r\nConnection: close\r\n"
            if !body.isEmpty { request += "Content-Length: \(body.utf8.count)\r\n" }
            return (name, Array((request + "\r\n" + body).utf8))
        }
    }
}

/// A route the fuzzer knows: how to fill its path and query, and what body it takes.
struct FuzzRoute: Sendable, Hashable, CustomStringConvertible {
    enum Body: Sendable { case none, ingest, signal, token, silence, report }

    var method: String
    var template: String
    var query: [String] = []
    var body: Body = .none

    var description: String { "\(method) \(template)" }

    static let all: [FuzzRoute] = [
        .init(method: "GET", template: "/healthz"),
        .init(method: "GET", template: "/metrics"),
        .init(method: "POST", template: "/api/v1/ingest/rounds", body: .ingest),
        .init(method: "POST", template: "/api/v1/ingest/signal", body: .signal),
        .init(method: "GET", template: "/api/v1/communes"),
        .init(method: "GET", template: "/api/v1/communes/:code"),
        .init(method: "GET", template: "/api/v1/probes"),
        .init(method: "GET", template: "/api/v1/links/:commune/:target/series", query: ["from", "to", "step"]),
        .init(method: "GET", template: "/api/v1/links/:commune/:target/smoke.svg", query: ["from", "to", "step"]),
        .init(method: "GET", template: "/api/v1/summary"),
        .init(method: "GET", template: "/api/v1/admin/tokens"),
        .init(method: "POST", template: "/api/v1/admin/tokens", body: .token),
        .init(method: "DELETE", template: "/api/v1/admin/tokens/:name"),
        .init(method: "GET", template: "/api/v1/geojson/communes", query: ["simplify", "operator"]),
        .init(method: "GET", template: "/api/v1/geojson/probes"),
        .init(method: "GET", template: "/api/v1/geojson/dead-zones", query: ["operator"]),
        .init(method: "GET", template: "/api/v1/geojson/cells", query: ["bbox", "operator"]),
        .init(method: "GET", template: "/api/v1/coverage/communes", query: ["operator"]),
        .init(method: "GET", template: "/api/v1/coverage/history", query: ["commune", "from", "until"]),
        .init(method: "GET", template: "/api/v1/coverage/history.svg", query: ["commune", "from", "until"]),
        .init(method: "GET", template: "/api/v1/call-quality"),
        .init(method: "GET", template: "/api/v1/alerts", query: ["state", "match"]),
        .init(method: "GET", template: "/api/v1/silences", query: ["all"]),
        .init(method: "POST", template: "/api/v1/silences", body: .silence),
        .init(method: "DELETE", template: "/api/v1/silences/:id"),
        .init(method: "POST", template: "/api/v1/reports", query: ["format", "preset", "strict"], body: .report),
        .init(method: "DELETE", template: "/api/v1/reports/:id"),
        .init(method: "GET", template: "/api/v1/reports"),
        .init(method: "GET", template: "/"),
        .init(method: "GET", template: "/dashboard.js"),
        .init(method: "GET", template: "/dashboard-coverage.js"),
        .init(method: "GET", template: "/dashboard.css"),
        .init(method: "GET", template: "/static/leaflet/**"),
    ]
}

/// One generated request.
struct FuzzRequest {
    var route: FuzzRoute
    var bytes: [UInt8]
    /// Broken at the HTTP level on purpose (the server may close without a reply).
    var malformed: Bool

    /// A valid batch of 30 rounds for probe-11953 (hub and portal), ending at `now` (the server's clock).
    static func seedIngest(secret: String, now: Date) -> [UInt8] {
        let rtts: [Double] = (0..<18).map { 0.010 + Double($0) * 0.0005 }
        var rounds: [ProbeRound] = []
        for i in 0..<30 {
            let start = now.addingTimeInterval(-Double(31 - i) * 60)
            for (t, target) in ["hub", "portal"].enumerated() {
                rounds.append(
                    ProbeRound(
                        probeID: "probe-11953", sequence: Int64(i * 2 + t), commune: "11953", target: target,
                        address: "10.33.0.1", kind: "icmp", start: start, stepSeconds: 60, sent: 20, received: 18,
                        rttSeconds: rtts, jitterSeconds: 0.0005))
            }
        }
        let body = String(buffer: Fixture.body(ProbeRoundBatch(probeID: "probe-11953", rounds: rounds)))
        return Array(
            ("POST /api/v1/ingest/rounds HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\nAuthorization: Bearer \(secret)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body).utf8)
    }
}

/// Makes requests: mostly well-formed with hostile values, some mutated at the byte level.
struct FuzzGenerator {
    var rng: SplitMix64
    let secrets: [String: String]

    init(seed: UInt64, secrets: [String: String]) {
        self.rng = SplitMix64(seed: seed)
        self.secrets = secrets
    }

    static let numbers = [
        "0", "1", "-1", "0.5", "1e19", "-1e19", "1e308", "-1e308", "1e309", "1e-320", "nan", "NaN", "inf", "-inf",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616", "0x1p1023",
        "1790000000", "4102444800", "946684799", "-0", "00000000000000000000001", String(repeating: "9", count: 400),
    ]
    static let durations = [
        "5m", "1h", "2d", "400d", "401d", "300ms", "1ms", "0s", "1e19s", "1e300d", "infh", "nand", "-5m", "60", "1s",
        "1e-9s", "d", "m", "5 m", "0x10m",
    ]
    static let dates = [
        "2026-09-21T12:00:00Z", "2026-09-21T19:00:00+07:00", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z", "2100-01-01T00:00:01Z", "2026-13-45T99:99:99Z", "2026-09-21T12:00:00.123456789Z",
        "2026-09-21", "now", "-1e300", "1e300",
    ]
    static let texts = [
        "", "a", "hub", "portal", "11953", "11977", "00000", "99999", "..", "../..", "%00", "%ff%fe", "%2e%2e%2f",
        "\u{202e}x", "ü", "😀", "'; DROP TABLE tokens; --", "${jndi:ldap://127.0.0.1/x}", "<script>", "\\", "\"",
        "true", "false", "yes", "1", "0", "firing", "pending", "resolved", "commune=11953", "commune=~.*",
        "commune=~(a+)+$", "severity!=warning", "=", "=~", "csv", "jsonl", "geojson", "cork-5g", "canonical", "CSV",
        String(repeating: "A", count: 300), String(repeating: "x", count: 5000), "a,b,c,d", "106,20,107,21",
        "105.9,20.5,106.3,21.0", "-180,-90,180,90", "181,0,0,0", "nan,nan,nan,nan", "1,1,0,0", "inf,0,1,1",
    ]

    mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
    mutating func chance(_ p: Double) -> Bool { Double(rng.next() % 1_000_000) / 1_000_000 < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    mutating func anyValue() -> String {
        switch int(0...3) {
        case 0: pick(Self.numbers)
        case 1: pick(Self.durations)
        case 2: pick(Self.dates)
        default: pick(Self.texts)
        }
    }

    /// Percent-encodes all but unreserved characters (most of the time; sometimes the value goes in raw).
    mutating func encode(_ value: String) -> String {
        if chance(0.1) { return value }
        var out = ""
        for byte in value.utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c)) {
                out.append(c)
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    mutating func pathValue(_ name: String) -> String {
        if chance(0.5) {
            switch name {
            case "code", "commune": return pick(["11953", "11977", "11980", "12049"])
            case "target": return pick(["hub", "portal"])
            case "**":
                return pick(["leaflet.js", "leaflet.css", "images/marker-icon.png", "../../../etc/passwd", "x.js"])
            default: break
            }
        }
        return encode(anyValue())
    }

    mutating func path(_ route: FuzzRoute) -> String {
        var parts: [String] = []
        for segment in route.template.split(separator: "/") {
            if segment.hasPrefix(":") {
                parts.append(pathValue(String(segment.dropFirst())))
            } else if segment == "**" {
                parts.append(pathValue("**"))
            } else {
                parts.append(String(segment))
            }
        }
        var path = "/" + parts.joined(separator: "/")
        if chance(0.05) { path += pick(["/", "/extra", "//", "/..", "%", "?", "#frag", ";x=1"]) }
        if chance(0.02) { path = "/" + String(repeating: "a/", count: int(1...3000)) }
        return path
    }

    mutating func query(_ route: FuzzRoute) -> String {
        var pairs: [String] = []
        for name in route.query where chance(0.6) {
            let value: String
            switch name {
            case "from", "to", "until": value = chance(0.5) ? pick(Self.dates) : pick(Self.numbers)
            case "operator":
                value = chance(0.6) ? pick(["452-01", "452-02", "452-04", "unknown", "all", "452-4"]) : anyValue()
            case "step": value = chance(0.6) ? pick(Self.durations) : pick(Self.numbers)
            case "bbox":
                value =
                    chance(0.5)
                    ? (0..<int(3...5)).map { _ in
                        chance(0.7) ? String(Double(int(-200...200)) / 1.7) : pick(Self.numbers)
                    }
                    .joined(separator: ",")
                    : anyValue()
            default: value = anyValue()
            }
            pairs.append("\(name)=\(encode(value))")
            if chance(0.05) { pairs.append("\(name)=\(encode(anyValue()))") }
        }
        if chance(0.1) { pairs.append("\(encode(anyValue()))=\(encode(anyValue()))") }
        if chance(0.03) { pairs.append("&&=&") }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    mutating func authorization() -> String? {
        switch int(0...9) {
        case 0, 1: return nil
        case 2: return "Bearer " + (secrets["viewer"] ?? "")
        case 3, 4: return "Bearer " + (secrets["admin"] ?? "")
        case 5, 6: return "Bearer " + (secrets["probe"] ?? "")
        case 7: return pick(["Bearer", "Bearer ", "Basic cm9vdDpyb290", "bearer nope", "Bearer \u{0}"])
        case 8: return "Bearer " + String(repeating: "z", count: int(1...9000))
        default: return "Bearer " + pick(Self.texts)
        }
    }

    mutating func makeBody(_ route: FuzzRoute) -> (String?, [UInt8]) {
        switch route.body {
        case .none:
            return chance(0.1) ? ("application/json", Array(anyValue().utf8)) : (nil, [])
        case .ingest:
            let now = 1_790_000_000 + int(-100_000...100_000)
            let rtt = (0..<int(0...5)).map { _ in chance(0.8) ? "0.0\(int(1...99))" : pick(Self.numbers) }
            let round = """
                {"probe_id":"\(chance(0.9) ? "probe-11953" : anyValue())","sequence":\(chance(0.7) ? String(int(0...100_000)) : pick(Self.numbers)),\
                "commune":"\(chance(0.9) ? "11953" : anyValue())","target":"\(chance(0.8) ? "hub" : anyValue())","address":"10.33.0.1",\
                "kind":"\(pick(["icmp", "tcp", "passive", "udp"]))","start":"\(chance(0.5) ? pick(Self.dates) : String(now))",\
                "step_seconds":\(chance(0.8) ? "60" : pick(Self.numbers)),"sent":\(chance(0.8) ? "5" : pick(Self.numbers)),\
                "received":\(rtt.count),"rtt_seconds":[\(rtt.joined(separator: ","))],"jitter_seconds":\(chance(0.8) ? "0.001" : pick(Self.numbers))}
                """
            let rounds = (0..<int(0...3)).map { _ in round }.joined(separator: ",")
            let health =
                chance(0.3)
                ? #","health":{"outbox_pending":\#(pick(Self.numbers)),"sent_at":"\#(pick(Self.dates))"}"# : ""
            let text = #"{"probe_id":"probe-11953","rounds":[\#(rounds)]\#(health)}"#
            return (pick(["application/json", "application/json", "text/plain"]), mutate(Array(text.utf8)))
        case .signal:
            let report = """
                {"probe_id":"\(chance(0.9) ? "probe-11953" : anyValue())","sequence":\(chance(0.7) ? String(int(0...100_000)) : pick(Self.numbers)),\
                "store_id":"\(chance(0.9) ? "fuzz" : anyValue())","commune":"\(chance(0.9) ? "11953" : anyValue())",\
                "source":"\(chance(0.8) ? "gateway:11953" : anyValue())","time":"\(pick(Self.dates))",\
                "lat":\(chance(0.8) ? "20.65" : pick(Self.numbers)),"lon":\(chance(0.8) ? "106.05" : pick(Self.numbers)),\
                "technology":"\(pick(["4G", "5G", "none", "LTE", ""]))","rsrp_dbm":\(chance(0.7) ? "-95" : pick(Self.numbers))}
                """
            let reports = (0..<int(0...3)).map { _ in report }.joined(separator: ",")
            let text = #"{"probe_id":"probe-11953","reports":[\#(reports)]}"#
            return (pick(["application/json", "application/json", "text/plain"]), mutate(Array(text.utf8)))
        case .token:
            var name = pick(Self.texts)
            if ["root", "noc", "probe-11953"].contains(name) { name = "fuzz" }
            let probe = chance(0.5) ? #","probe_id":"\#(pick(["probe-11953", "probe-11977", "x"]))""# : ""
            let text = #"{"name":"fuzz-\#(name)","role":"\#(pick(["viewer", "admin", "probe", "root", ""]))"\#(probe)}"#
            return ("application/json", mutate(Array(text.utf8)))
        case .silence:
            var fields = [
                #""matchers":[\#((0..<int(0...3)).map { _ in "\"\(pick(Self.texts))\"" }.joined(separator: ","))]"#
            ]
            if chance(0.5) {
                fields.append(#""duration":"\#(chance(0.7) ? pick(Self.durations) : pick(Self.numbers))""#)
            }
            if chance(0.3) { fields.append(#""startsAt":"\#(pick(Self.dates))""#) }
            if chance(0.3) { fields.append(#""endsAt":"\#(pick(Self.dates))""#) }
            if chance(0.3) { fields.append(#""createdBy":"\#(pick(Self.texts))""#) }
            if chance(0.3) { fields.append(#""comment":"\#(pick(Self.texts))""#) }
            return ("application/json", mutate(Array(("{" + fields.joined(separator: ",") + "}").utf8)))
        case .report:
            let samples = [
                "time,lat,lon,technology,operator,rsrp_dbm,nr_ss_rsrp_dbm\n2026-01-05T08:00:00+07:00,20.65,106.05,4G,452-04,-95,\n1767574802,20.6502,106.0502,5G,452-01,-99,-101\n",
                #"{"time":"2026-01-05T08:00:00+07:00","lat":20.65,"lon":106.05,"technology":"4G","rsrp_dbm":-95}"#
                    + "\n",
                #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[106.05,20.65]},"properties":{"time":"2026-01-05T08:00:00+07:00","technology":"4G","rsrp_dbm":-95}}]}"#,
            ]
            return (
                pick(["text/csv", "application/x-ndjson", "application/geo+json", "application/json", "x/y"]),
                mutate(Array(pick(samples).utf8))
            )
        }
    }

    /// A few random edits: flip a byte, insert a hostile token, delete or repeat a span, truncate.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        guard chance(0.6) else { return bytes }
        for _ in 0..<int(1...4) where !bytes.isEmpty {
            let at = int(0...(bytes.count - 1))
            switch int(0...5) {
            case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 1: bytes.insert(contentsOf: Array(anyValue().utf8), at: at)
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + int(1...40)))
            case 3:
                let end = min(bytes.count, at + int(1...200))
                let span = Array(bytes[at..<end])
                for _ in 0..<int(1...20) { bytes.insert(contentsOf: span, at: at) }
            case 4: bytes = Array(bytes.prefix(at))
            default:
                bytes.insert(
                    contentsOf: Array(repeating: pick([UInt8(ascii: "["), UInt8(ascii: "{")]), count: int(1...3000)),
                    at: at)
            }
        }
        return bytes
    }

    mutating func next() -> FuzzRequest {
        let route = pick(FuzzRoute.all)
        let method = chance(0.03) ? pick(["PUT", "PATCH", "OPTIONS", "HEAD", "FOO", "GET", "DELETE"]) : route.method
        let target = path(route) + query(route)
        var headers = ["Host: fuzz", "Connection: close"]
        if let auth = authorization() { headers.append("Authorization: \(auth)") }
        let (type, body) = makeBody(route)
        if let type, chance(0.9) { headers.append("Content-Type: \(type)") }
        if chance(0.1) {
            headers.append(
                pick([
                    "X-Forwarded-For: 10.0.0.1", "Expect: 100-continue", "Range: bytes=0-10", "Accept-Encoding: gzip",
                    "X-Long: " + String(repeating: "h", count: int(1...60_000)), "Content-Type: \(pick(Self.texts))",
                ]))
        }
        if !body.isEmpty || method == "POST" { headers.append("Content-Length: \(body.count)") }
        var bytes = Array("\(method) \(target) HTTP/1.1\r\n\(headers.joined(separator: "\r\n"))\r\n\r\n".utf8) + body
        // Anything but visible ASCII in the head (a raw value, a NUL in a token) may be refused by closing.
        let headLength = bytes.count - body.count
        var malformed =
            target.contains(" ") || target.contains("#")
            || bytes[..<headLength].contains { !($0 >= 0x20 && $0 <= 0x7E) && $0 != 13 && $0 != 10 }
        if chance(0.03) {
            // Break the HTTP framing itself.
            bytes = mutate(bytes)
            malformed = true
        }
        return FuzzRequest(route: route, bytes: bytes, malformed: malformed)
    }
}
