import Foundation
import NIOHTTP1
import NetmonLab
import NetmonProtocol
import TestSupport
import Testing

@testable import Alerting

/// The built `netmon serve` executable with alerting: the default alert store beside the database, notifications
/// out of the real process, graceful stop on SIGTERM, `--no-alerts`, and a refused alerting configuration.
@Suite("netmon serve (the executable) with alerting")
struct ServeBinaryTests {
    static let binaryExists = FileManager.default.isExecutableFile(atPath: NetmonBinary.path)

    /// A `netmon serve` child logging to a file.
    final class Server: Sendable {
        let child: ChildProcess
        let port: Int

        init(_ arguments: [String], directory: URL) throws {
            self.port = try freePort()
            self.child = try ChildProcess(
                [NetmonBinary.path, "serve", "--listen", "127.0.0.1:\(self.port)"] + arguments,
                log: directory.appendingPathComponent("serve-\(self.port).log").path, directory: directory.path)
        }

        var log: String { self.child.log }

        /// Waits until the log says the server listens; false if it exited or `timeout` passed.
        func waitUntilListening(timeout: Double = 30) async -> Bool {
            await self.child.waitForOutput(timeout: .seconds(timeout)) { $0.contains("listening on") }
        }

        func waitForExit(timeout: Double) async -> Int32? { await self.child.waitForExit(timeout: .seconds(timeout)) }

        func kill() async { await self.child.killHard() }

        func request(
            _ method: HTTPMethod, _ path: String, token: String, body: [UInt8] = []
        ) async throws -> HTTPResponse {
            var headers = [("Authorization", "Bearer \(token)")]
            if !body.isEmpty { headers.append(("Content-Type", "application/json")) }
            return try await deliveryHTTP.execute(
                method: method, endpoint: try HTTPEndpoint("http://127.0.0.1:\(self.port)\(path)"),
                headers: headers, body: body, timeout: 10)
        }
    }

    static func writeTokens(_ directory: URL) throws -> String {
        let path = directory.appendingPathComponent("tokens").path
        var text = "viewer noc \(ServeAlertingTests.viewer)\nadmin root \(ServeAlertingTests.admin)\n"
        for (code, _) in ServeAlertingTests.communes { text += "probe probe-\(code) probe-secret-\(code)-xx\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func batch(commune: String, sequence: Int64, lost: Int) throws -> [UInt8] {
        let round = ProbeRound(
            probeID: "probe-\(commune)", sequence: sequence, commune: commune, target: "hub", address: "10.33.0.1",
            kind: "icmp", start: ServeAlertingTests.roundsBegin.addingTimeInterval(Double(sequence) * 60),
            stepSeconds: 60, sent: 20,
            received: 20 - lost, rttSeconds: Array(repeating: 0.012, count: 20 - lost), jitterSeconds: nil)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(ProbeRoundBatch(probeID: "probe-\(commune)", rounds: [round])))
    }

    @Test(
        "alerts from the real process; the alert store beside the database; SIGTERM stops it cleanly",
        .enabled(if: binaryExists, "the netmon executable is not built (swift build --build-tests builds it)"))
    func alertsFromTheExecutable() async throws {
        let directory = makeTemporaryDirectory("netmon-serve-binary")
        defer { try? FileManager.default.removeItem(at: directory) }
        let webhook = try await LabHTTPReceiver()
        defer { Task { await webhook.shutdown() } }
        let sites = directory.appendingPathComponent("sites.yaml").path
        try ServeAlertingTests.sitesYAML(webhookURL: webhook.url).write(
            toFile: sites, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        let server = try Server(
            [
                "--config", sites, "--database", "sqlite:data/netmon.sqlite", "--tokens",
                try Self.writeTokens(directory),
                "--alerts-interval", "0.2",
            ], directory: directory)
        do {
            try #require(await server.waitUntilListening(), "netmon serve did not start: \(server.log)")
            var sequence: Int64 = 0
            let deadline = Date().addingTimeInterval(25)
            while webhook.accepted.isEmpty && Date() < deadline {
                sequence += 1
                let reply = try await server.request(
                    .POST, "/api/v1/ingest/rounds", token: "probe-secret-10001-xx",
                    body: try Self.batch(commune: "10001", sequence: sequence, lost: 10))
                #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(webhook.accepted.count == 1)
            let listed = try await server.request(
                .GET, "/api/v1/alerts?state=firing", token: ServeAlertingTests.viewer)
            #expect(listed.status == 200)
            #expect(String(decoding: listed.body, as: UTF8.self).contains("\"LinkLoss\""))
            // The delivery is recorded, and counted on /metrics by receiver: the process's one registry holds the
            // delivery worker's counters next to the server's own series.
            var metrics = ""
            let counted = Date().addingTimeInterval(10)
            while !metrics.contains("netmon_alert_notifications_delivered_total{receiver=\"noc\"} 1\n")
                && Date() < counted
            {
                try await Task.sleep(for: .milliseconds(100))
                let reply = try await server.request(.GET, "/metrics", token: ServeAlertingTests.viewer)
                metrics = String(decoding: reply.body, as: UTF8.self)
            }
            #expect(metrics.contains("netmon_alert_notifications_delivered_total{receiver=\"noc\"} 1\n"), "\(metrics)")
            #expect(metrics.contains("netmon_alert_notification_retries_total{receiver=\"noc\"} 0\n"))
            #expect(metrics.contains("netmon_server_ingest_rounds_total{result=\"accepted\"} \(sequence)\n"))
            #expect(metrics.contains("# HELP netmon_alert_notifications_delivered_total "))
            if let verdict = try Promtool.checkMetrics(metrics) {
                #expect(verdict.status == 0, "promtool: \(verdict.output)")
            }
            // Stop the process as systemd would.
            server.child.signal(SIGTERM)
            #expect(await server.waitForExit(timeout: 20) == 0, "\(server.log)")
        } catch {
            await server.kill()
            throw error
        }
        await server.kill()
        // The default alert store is beside the SQLite database and holds the state the process committed.
        let store = try await AlertStore(path: directory.appendingPathComponent("data/netmon-alerts.sqlite").path)
        let firing = try await store.alerts(AlertQuery(states: [.firing]))
        #expect(firing.count == 2)
        #expect(firing.allSatisfy { $0.labels["commune"] == "10001" && $0.labels["alertname"] == "LinkLoss" })
        #expect(try await store.outboxCounts()[.delivered] == 1)
    }

    @Test(
        "a bad --database URL stops serve with the reason and without the password",
        .enabled(if: binaryExists, "the netmon executable is not built (swift build --build-tests builds it)"))
    func databaseErrorsRedactThePassword() async throws {
        let directory = makeTemporaryDirectory("netmon-serve-pgurl")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sites = directory.appendingPathComponent("sites.yaml").path
        try ServeAlertingTests.sitesYAML(webhookURL: "http://127.0.0.1:9/hook").write(
            toFile: sites, atomically: true, encoding: .utf8)
        let refused = try Server(
            ["--config", sites, "--database", "postgres://netmon:hunter2@db.example/netmon?sslmode=maybe"],
            directory: directory)
        let status = await refused.waitForExit(timeout: 30)
        await refused.kill()
        #expect(status != nil && status != 0)
        #expect(refused.log.contains("sslmode must be"), "\(refused.log)")
        #expect(refused.log.contains("netmon:***@db.example"), "\(refused.log)")
        #expect(!refused.log.contains("hunter2"), "\(refused.log)")

        let password = directory.appendingPathComponent("pw").path
        try "secret\n".write(toFile: password, atomically: true, encoding: .utf8)
        let sqlite = try Server(
            ["--config", sites, "--database", "sqlite:netmon.sqlite", "--database-password-file", password],
            directory: directory)
        let sqliteStatus = await sqlite.waitForExit(timeout: 30)
        await sqlite.kill()
        #expect(sqliteStatus != nil && sqliteStatus != 0)
        #expect(sqlite.log.contains("--database-password-file is for a postgres://"), "\(sqlite.log)")
    }

    @Test(
        "--no-alerts serves without alerting; an unusable alerting configuration stops serve with the reason",
        .enabled(if: binaryExists, "the netmon executable is not built (swift build --build-tests builds it)"))
    func withoutAlerting() async throws {
        let directory = makeTemporaryDirectory("netmon-serve-noalerts")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sites = directory.appendingPathComponent("sites.yaml").path
        // A webhook secret file that does not exist: sites.yaml is valid, but alerting cannot sign with it.
        let yaml = ServeAlertingTests.sitesYAML(webhookURL: "http://127.0.0.1:9/hook").replacingOccurrences(
            of: "secret: \(ServeAlertingTests.secret)", with: "secret_file: missing.secret")
        try yaml.write(toFile: sites, atomically: true, encoding: .utf8)
        let tokens = try Self.writeTokens(directory)

        let refused = try Server(
            ["--config", sites, "--database", "sqlite:netmon.sqlite", "--tokens", tokens], directory: directory)
        let status = await refused.waitForExit(timeout: 30)
        await refused.kill()
        #expect(status == 2)
        #expect(refused.log.contains("missing.secret"))
        #expect(refused.log.contains("--no-alerts"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("netmon-alerts.sqlite").path))

        let server = try Server(
            ["--config", sites, "--database", "sqlite:netmon.sqlite", "--tokens", tokens, "--no-alerts"],
            directory: directory)
        do {
            try #require(await server.waitUntilListening(), "netmon serve did not start: \(server.log)")
            let alerts = try await server.request(.GET, "/api/v1/alerts", token: ServeAlertingTests.viewer)
            #expect(alerts.status == 404)
            #expect(String(decoding: alerts.body, as: UTF8.self).contains("alerting is not running"))
            let ingest = try await server.request(
                .POST, "/api/v1/ingest/rounds", token: "probe-secret-10001-xx",
                body: try Self.batch(commune: "10001", sequence: 1, lost: 10))
            #expect(ingest.status == 200)
            server.child.signal(SIGTERM)
            #expect(await server.waitForExit(timeout: 20) == 0, "\(server.log)")
        } catch {
            await server.kill()
            throw error
        }
        await server.kill()
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("netmon-alerts.sqlite").path))
    }

    /// The matcher error position check: a route matcher that the matcher's safety bounds refuse (it compiles, so
    /// sites.yaml's own check once let it through) stops serve before it listens, naming the file, line and column.
    @Test(
        "a refused route matcher stops serve with its position in sites.yaml",
        .enabled(if: binaryExists, "the netmon executable is not built (swift build --build-tests builds it)"))
    func refusedMatcherStopsServeWithItsPosition() async throws {
        let directory = makeTemporaryDirectory("netmon-serve-matcher")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sites = directory.appendingPathComponent("sites.yaml").path
        let route = "repeat_interval: 1h }"
        let yaml = ServeAlertingTests.sitesYAML(webhookURL: "http://127.0.0.1:9/hook").replacingOccurrences(
            of: route, with: "repeat_interval: 1h,\n    routes: [{ receiver: noc, matchers: ['commune=~\"(a+)+\"'] }] }"
        )
        try #require(yaml.contains("routes: [{"))
        try yaml.write(toFile: sites, atomically: true, encoding: .utf8)
        let lines = yaml.components(separatedBy: "\n")
        let line = try #require(lines.firstIndex { $0.contains("'commune=~") }) + 1
        let column =
            try #require(lines[line - 1].range(of: "'commune=~")).lowerBound.utf16Offset(in: lines[line - 1]) + 1
        let tokens = try Self.writeTokens(directory)

        let refused = try Server(
            ["--config", sites, "--database", "sqlite:netmon.sqlite", "--tokens", tokens], directory: directory)
        let status = await refused.waitForExit(timeout: 30)
        await refused.kill()
        #expect(status == 2)
        #expect(
            refused.log.contains(
                "\(sites):\(line):\(column): `commune=~\"(a+)+\"`: regular expression refused: a quantifier on a group"),
            "\(refused.log)")
        #expect(!refused.log.contains("listening on"))
    }
}
