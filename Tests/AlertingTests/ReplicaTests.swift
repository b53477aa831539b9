import Foundation
import MeasurementStore
import NIOHTTP1
import NetmonLab
import TestSupport
import Testing

@testable import Alerting

/// Two `netmon serve` replicas (the real executable) on one real PostgreSQL: leadership from the lease row, the
/// failover of alert delivery, ingest through either replica, tokens across replicas, alert state across restarts.
@Suite("netmon serve replicas on one PostgreSQL", .serialized)
struct ReplicaTests {
    typealias Server = ServeBinaryTests.Server

    /// The lease the tests run with (the takeover bound is 4/3 of it).
    static let lease = 3.0
    /// A lease long enough that a hand-over well within it can only come from a release.
    static let longLease = 24.0

    /// A fresh PostgreSQL database, or the test is cancelled (shown as skipped) with the reason.
    static func database() async throws -> String {
        do {
            return try await PostgresCluster.shared.makeDatabase()
        } catch {
            try Test.cancel("PostgreSQL could not be started: \(error)")
        }
    }

    /// sites.yaml, the tokens file and the arguments of a replica on `database`.
    static func prepare(
        _ directory: URL, webhook: String, database: String, lease: Double = Self.lease
    ) throws -> [String] {
        let sites = directory.appendingPathComponent("sites.yaml").path
        try ServeAlertingTests.sitesYAML(webhookURL: webhook).write(toFile: sites, atomically: true, encoding: .utf8)
        return [
            "--config", sites, "--database", database, "--tokens", try ServeBinaryTests.writeTokens(directory),
            "--alerts-interval", "0.2", "--leader-lease", "\(lease)",
        ]
    }

    /// Whether `server`'s `/metrics` says it leads (nil when it does not answer).
    static func leads(_ server: Server) async -> Bool? {
        guard let reply = try? await server.request(.GET, "/metrics", token: ServeAlertingTests.viewer),
            reply.status == 200
        else { return nil }
        return Self.value(of: "netmon_leader", in: String(decoding: reply.body, as: UTF8.self)).map { $0 == 1 }
    }

    /// The value of an unlabelled series in a Prometheus text exposition.
    static func value(of name: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }

    /// Waits until exactly one of `servers` leads; returns its index.
    static func leader(of servers: [Server], timeout: Double) async -> Int? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var states: [Bool?] = []
            for server in servers { states.append(await Self.leads(server)) }
            if states.filter({ $0 == true }).count == 1, let index = states.firstIndex(of: true) { return index }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// The webhook-ids the receiver accepted, by (group key, status).
    static func ids(_ receiver: LabHTTPReceiver) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for request in receiver.accepted {
            let id = request.headers.first { $0.key.lowercased() == "webhook-id" }?.value ?? "?"
            guard let json = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
                let data = json["data"] as? [String: Any], let key = data["groupKey"] as? String,
                let status = data["status"] as? String
            else {
                out["unparsable", default: []].insert(id)
                continue
            }
            out["\(key) \(status)", default: []].insert(id)
        }
        return out
    }

    @Test(
        "kill -9 the leader while alerts fire: takeover within the bound, one id per group state, state survives",
        .enabled(if: ServeBinaryTests.binaryExists, "the netmon executable is not built"),
        .timeLimit(.minutes(3)))
    func failover() async throws {
        let database = try await Self.database()
        let directory = makeTemporaryDirectory("netmon-replicas")
        defer { try? FileManager.default.removeItem(at: directory) }
        let webhook = try await LabHTTPReceiver()
        defer { Task { await webhook.shutdown() } }
        // The first delivery hangs: the leader is killed while it waits, so the notification stays claimed.
        webhook.setScript([.hang])
        let arguments = try Self.prepare(directory, webhook: webhook.url, database: database)
        let a = try Server(arguments, directory: directory)
        try #require(await a.waitUntilListening(), "replica A did not start: \(a.log)")
        let b = try Server(arguments, directory: directory)
        var servers = [a, b]
        do {
            try #require(await b.waitUntilListening(), "replica B did not start: \(b.log)")
            let first = try #require(await Self.leader(of: servers, timeout: 15), "no leader: \(a.log)\n\(b.log)")
            let leader = servers[first]
            let survivor = servers[1 - first]
            // Lossy rounds for commune 10001 through both replicas until the leader tries to deliver.
            var sequence: Int64 = 0
            let tried = Date().addingTimeInterval(30)
            while webhook.attempts == 0 && Date() < tried {
                sequence += 1
                let reply = try await servers[Int(sequence % 2)].request(
                    .POST, "/api/v1/ingest/rounds", token: "probe-secret-10001-xx",
                    body: try ServeBinaryTests.batch(commune: "10001", sequence: sequence, lost: 10))
                #expect(reply.status == 200)
                try await Task.sleep(for: .milliseconds(100))
            }
            try #require(webhook.attempts == 1, "the leader never tried to deliver: \(leader.log)")
            #expect(webhook.accepted.isEmpty)
            await leader.kill()
            let killed = Date()
            // While nobody leads, commune 10002 goes lossy through the survivor (its inputs wait in PostgreSQL).
            for n in 1...3 {
                let reply = try await survivor.request(
                    .POST, "/api/v1/ingest/rounds", token: "probe-secret-10002-xx",
                    body: try ServeBinaryTests.batch(commune: "10002", sequence: Int64(n), lost: 10))
                #expect(reply.status == 200)
            }
            var took: Double?
            while took == nil && Date().timeIntervalSince(killed) < 30 {
                if await Self.leads(survivor) == true { took = Date().timeIntervalSince(killed) }
                try await Task.sleep(for: .milliseconds(100))
            }
            let takeover = try #require(took, "the survivor never led: \(survivor.log)")
            // The bound the docs state (lease + a third of it), plus slack for a loaded test machine (the queries,
            // the /metrics poll); without a takeover nothing below would be delivered at all.
            #expect(takeover <= Self.lease * 4 / 3 + 3, "takeover after \(takeover) s")
            // Both groups are delivered by the new leader: the claimed one again under its id, the new one once.
            let delivered = Date().addingTimeInterval(30)
            while Self.ids(webhook).count < 2 && Date() < delivered {
                try await Task.sleep(for: .milliseconds(200))
            }
            try await Task.sleep(for: .seconds(2))
            let ids = Self.ids(webhook)
            #expect(ids.count == 2, "\(ids)")
            #expect(ids.keys.contains { $0.contains("10001") && $0.hasSuffix("firing") }, "\(ids)")
            #expect(ids.keys.contains { $0.contains("10002") && $0.hasSuffix("firing") }, "\(ids)")
            #expect(ids.values.allSatisfy { $0.count == 1 }, "a group state notified under several ids: \(ids)")
            // The hung attempt and its re-send carried the same id.
            #expect(webhook.attempts >= 3)
            #expect(webhook.accepted.count == 2, "\(webhook.accepted.count) accepted")
            let metrics = try await survivor.request(.GET, "/metrics", token: ServeAlertingTests.viewer)
            let text = String(decoding: metrics.body, as: UTF8.self)
            #expect(Self.value(of: "netmon_leader_changes_total", in: text) == 1, "\(text)")
            #expect(Self.value(of: "netmon_leader_takeover_bound_seconds", in: text) == 4, "\(text)")

            // Alert state lives in PostgreSQL: a new replica alone serves it and notifies nothing again.
            await survivor.kill()
            let c = try Server(arguments, directory: directory)
            servers = [c]
            try #require(await c.waitUntilListening(), "replica C did not start: \(c.log)")
            let firing = try await c.request(.GET, "/api/v1/alerts?state=firing", token: ServeAlertingTests.viewer)
            let alerts = String(decoding: firing.body, as: UTF8.self)
            #expect(alerts.contains("\"10001\"") && alerts.contains("\"10002\""), "\(alerts)")
            #expect(await Self.leader(of: [c], timeout: 15) == 0)
            try await Task.sleep(for: .seconds(2))
            #expect(webhook.accepted.count == 2, "notified again after the restart")
            // The command line reads the same state from PostgreSQL.
            let listed = Spawn.run([NetmonBinary.path, "alerts", "list", "--database", database, "--state", "firing"])
            #expect(listed.status == 0, "\(listed.output)")
            #expect(listed.output.contains("10001") && listed.output.contains("10002"), "\(listed.output)")
        } catch {
            for server in servers { await server.kill() }
            throw error
        }
        for server in servers { await server.kill() }
    }

    @Test(
        "ingest spread across two replicas, with resends through the other one, stores every round exactly once",
        .enabled(if: ServeBinaryTests.binaryExists, "the netmon executable is not built"),
        .timeLimit(.minutes(2)))
    func spreadIngest() async throws {
        let database = try await Self.database()
        let directory = makeTemporaryDirectory("netmon-replicas-ingest")
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments =
            try Self.prepare(directory, webhook: "http://127.0.0.1:9/hook", database: database) + ["--no-alerts"]
        try await Self.withReplicas(arguments, directory: directory) { servers in
            let communes = ServeAlertingTests.communes.map(\.0)
            let perCommune: Int64 = 40
            // Every batch goes to one replica, and every third one again to the other (a gateway resending after a
            // lost reply), concurrently across communes.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, commune) in communes.enumerated() {
                    group.addTask {
                        for sequence in 1...perCommune {
                            let body = try ServeBinaryTests.batch(commune: commune, sequence: sequence, lost: 0)
                            let first = servers[Int(sequence + Int64(index)) % 2]
                            let reply = try await first.request(
                                .POST, "/api/v1/ingest/rounds", token: "probe-secret-\(commune)-xx", body: body)
                            #expect(reply.status == 200)
                            if sequence % 3 == 0 {
                                let again = try await servers[Int(sequence + Int64(index) + 1) % 2].request(
                                    .POST, "/api/v1/ingest/rounds", token: "probe-secret-\(commune)-xx", body: body)
                                #expect(again.status == 200)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let store = try StoreLocation(parsing: database).open()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                #expect(try await store.roundCount() == communes.count * Int(perCommune))
                let probes = try await store.probes()
                #expect(probes.count == communes.count)
                #expect(probes.allSatisfy { $0.roundsAccepted == perCommune && $0.lastSequence == perCommune })
            }
        }
    }

    @Test(
        "tokens created or deleted on one replica act on the other; a leader stopped gracefully hands over at once",
        .enabled(if: ServeBinaryTests.binaryExists, "the netmon executable is not built"),
        .timeLimit(.minutes(2)))
    func tokensAcrossReplicas() async throws {
        let database = try await Self.database()
        let directory = makeTemporaryDirectory("netmon-replicas-tokens")
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments =
            try Self.prepare(directory, webhook: "http://127.0.0.1:9/hook", database: database, lease: Self.longLease)
            + ["--no-alerts"]
        try await Self.withReplicas(arguments, directory: directory) { servers in
            let (a, b) = (servers[0], servers[1])
            let created = try await a.request(
                .POST, "/api/v1/admin/tokens", token: ServeAlertingTests.admin,
                body: Array(#"{"name": "noc-2", "role": "viewer"}"#.utf8))
            #expect(created.status == 201)
            let reply = try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any]
            let secret = try #require(reply?["token"] as? String)
            // Refreshed every 2 s on every replica.
            #expect(await Self.status(of: b, token: secret, becomes: 200, within: 5))
            let deleted = try await b.request(.DELETE, "/api/v1/admin/tokens/noc-2", token: ServeAlertingTests.admin)
            #expect(deleted.status == 204)
            #expect(await Self.status(of: b, token: secret, becomes: 401, within: 1))
            #expect(await Self.status(of: a, token: secret, becomes: 401, within: 5))
            // The leader stopped as systemd would: it exits cleanly and releases the lease, so the other replica
            // leads at its next attempt (a third of the lease). Without the release it could not lead before the
            // lease expired: at the earliest a lease minus an attempt interval after the stop.
            let first = try #require(await Self.leader(of: servers, timeout: 10))
            servers[first].child.signal(SIGTERM)
            let stopped = Date()
            #expect(await servers[first].waitForExit(timeout: 20) == 0, "\(servers[first].log)")
            #expect(await Self.leader(of: [servers[1 - first]], timeout: 10) == 0)
            #expect(
                Date().timeIntervalSince(stopped) < Self.longLease * 2 / 3, "\(servers[1 - first].log)")
        }
    }

    /// Two replicas with `arguments`, started at the same moment on a new database (so they migrate it together),
    /// killed after `body` (also when it throws).
    static func withReplicas(
        _ arguments: [String], directory: URL, _ body: ([Server]) async throws -> Void
    ) async throws {
        var servers = [try Server(arguments, directory: directory)]
        do {
            servers.append(try Server(arguments, directory: directory))
            for server in servers {
                try #require(await server.waitUntilListening(), "a replica did not start: \(server.log)")
            }
            try await body(servers)
        } catch {
            for server in servers { await server.kill() }
            throw error
        }
        for server in servers { await server.kill() }
    }

    /// Whether `GET /api/v1/communes` with `token` answers `status` within `seconds`.
    static func status(of server: Server, token: String, becomes status: Int, within seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if let reply = try? await server.request(.GET, "/api/v1/communes", token: token),
                reply.status == status
            {
                return true
            }
            try? await Task.sleep(for: .milliseconds(100))
        } while Date() < deadline
        return false
    }
}
