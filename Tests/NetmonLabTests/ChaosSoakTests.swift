import Foundation
import NetmonLab
import SiteCatalog
import TestSupport
import Testing

/// Debian's libfaketime (package libfaketime, pulled in by faketime), thread-safe variant.
private let soakLibfaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"

/// The chaos soak (issue 14): a lab of four communes, their probe daemons and `netmon serve` on SQLite run for a
/// bounded time while the test kills things, and then every round is accounted for.
///
/// During the run it SIGKILLs probes and the server at random moments (seeded; the seed is printed), stops the
/// server for longer than two steps, wipes one gateway's database while its outbox holds rounds (the rounds it had
/// not delivered are destroyed with it, and counted), steps one gateway's clock 90 s forward and later back
/// (libfaketime), and runs one gateway with an outbox cap of 8 rounds so the outage overflows it. At the end:
/// every round any gateway store numbered is on the server exactly once with the same content, except the ones the
/// cap dropped (counted in the gateway's `outbox_dropped`) and the ones destroyed with the wiped database; no
/// round is on the server twice under two identities; no notification was sent twice (a resend after a kill
/// carries the same webhook id and body, which receivers deduplicate); no probe was answered with a 5xx; the
/// stepped gateway's link shows its newest round, not the one from the future.
///
/// `NETMON_SOAK_SECONDS` sets the chaos phase (default 150 s), `NETMON_SOAK_SEED` the seed, and
/// `NETMON_SOAK_REPORT` a file for the figures as JSON (RELIABILITY.md records a long run).
@Suite(
    "Chaos soak: kills, outage, wiped store, clock step, full outbox",
    .enabled(if: Privileges.canCreateNamespaces, "\(Privileges.namespaceSkipReason)"),
    .enabled(if: Shell.hasProgram("sqlite3") && Shell.hasProgram("curl"), "needs the sqlite3 and curl programs"),
    .enabled(
        if: FileManager.default.fileExists(atPath: soakLibfaketime),
        "needs libfaketime (Debian package faketime) to step a gateway's clock"))
struct ChaosSoakTests {
    static let cappedOutbox = 8
    static let clockStep = 90  // seconds ahead: inside the server's 5-minute skew allowance
    static let libfaketime = soakLibfaketime

    /// One probe daemon's life: its namespace, its database, its current process and every log it wrote.
    final class Gateway: @unchecked Sendable {  // used from the test's one thread only
        let code: String
        let probeID: String
        let database: String
        var process: ChildProcess?
        var logs: [String] = []
        var clockAhead = false
        var extraArguments: [String] = []

        init(code: String, probeID: String, database: String) {
            self.code = code
            self.probeID = probeID
            self.database = database
        }
    }

    /// Rounds as identity and content, from a gateway store or from the server.
    struct RoundRecord: Hashable {
        var probe: String
        var store: String
        var sequence: String
        var target: String
        var sent: String
        var received: String
        var start: String
    }

    @Test("every numbered round reaches the server exactly once through kills, an outage, a wipe and a clock step")
    func soak() async throws {
        let environment = ProcessInfo.processInfo.environment
        let chaosSeconds = Double(environment["NETMON_SOAK_SECONDS"] ?? "") ?? 150
        let seed = UInt64(environment["NETMON_SOAK_SEED"] ?? "") ?? UInt64.random(in: 1...999_999)
        func say(_ line: String) { FileHandle.standardError.write(Data("chaos soak: \(line)\n".utf8)) }
        say("seed \(seed), \(Int(chaosSeconds)) s of chaos (NETMON_SOAK_SEED=\(seed) repeats it)")
        var random = SplitMix64(seed: seed)  // NetmonLab's, as the lab responder draws its delays

        let stateDir = LabFixtures.stateRoot()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let sites = try SitesConfig.load(path: DemoEndToEndTests.repositorySitesYAML)
        let source = try String(contentsOfFile: DemoEndToEndTests.repositorySitesYAML, encoding: .utf8)
        let chosen = Array(sites.communes.filter { $0.targets == nil }.prefix(4))
        try #require(chosen.count == 4)

        let receiver = try await LabHTTPReceiver(logPath: stateDir + "/webhook.jsonl")
        defer { receiver.stop() }
        let config = stateDir + "/sites.yaml"
        try DemoSitesFile.render(
            source: source, config: sites, webhookURL: receiver.url, webhookSecret: DemoSitesFile.randomSecret()
        ).write(toFile: config, atomically: true, encoding: .utf8)

        let lab = LabFixtures.uniqueLab()
        let controller = try LabController(lab: lab, stateRoot: stateDir + "/lab")
        defer { _ = controller.down() }
        let plan = try LabPlan.make(config: try SitesConfig.load(path: config), codes: chosen.map(\.code))
        // One lossy link, so alerts fire and resolve while things are killed.
        let state = try controller.up(
            plan: plan, impairments: [chosen[3].code: Impairment(delay: 0.002, loss: 0.3)], hostLink: true,
            netmonExecutable: NetmonBinary.path)
        let host = try #require(state.hostLink?.hostAddress)

        let serverPort = try freePort()
        let url = "http://\(host):\(serverPort)"
        var tokenLines: [String] = []
        for commune in chosen {
            let token = DemoSitesFile.randomToken()
            tokenLines.append("probe \(commune.probeID) \(token)")
            try token.write(toFile: stateDir + "/token-\(commune.code)", atomically: true, encoding: .utf8)
        }
        try (tokenLines.joined(separator: "\n") + "\n").write(
            toFile: stateDir + "/tokens", atomically: true, encoding: .utf8)
        let serverDatabase = stateDir + "/netmon.sqlite"
        var serverLogs: [String] = []
        var server: ChildProcess?
        func startServer() async throws {
            server = try ChildProcess([
                NetmonBinary.path, "serve", "--config", config, "--database", "sqlite:\(serverDatabase)",
                "--listen", "\(host):\(serverPort)", "--tokens", stateDir + "/tokens", "--public-dashboard",
            ])
            try #require(
                await eventually(timeout: .seconds(30), poll: .milliseconds(500)) {
                    EndToEndChainTests.httpStatus(url + "/healthz") == 200
                },
                "server did not start: \(server?.stderr ?? "")")
        }
        func killServer() {
            guard let s = server else { return }
            kill(s.pid, SIGKILL)
            _ = s.waitForExit(timeout: 10)
            serverLogs.append(s.stderr)
            server = nil
        }
        defer {
            if let s = server {
                s.stop()
                serverLogs.append(s.stderr)
            }
        }
        try await startServer()

        let gateways = chosen.map {
            Gateway(code: $0.code, probeID: $0.probeID, database: "\(stateDir)/probe-\($0.code).sqlite")
        }
        let (wiped, stepped, capped) = (gateways[0], gateways[1], gateways[2])
        capped.extraArguments = ["--max-outbox", "\(Self.cappedOutbox)"]
        func startProbe(_ g: Gateway) throws {
            var command = ["ip", "netns", "exec", controller.namespace(of: g.code)]
            if g.clockAhead {
                // libfaketime preloaded into netmon itself (the `faketime` wrapper forks, and a SIGKILL of the
                // wrapper would leave the daemon running): the wall clock is ahead, the monotonic clock is not.
                command += [
                    "env", "LD_PRELOAD=\(Self.libfaketime)", "FAKETIME=+\(Self.clockStep)s",
                    "FAKETIME_DONT_FAKE_MONOTONIC=1", "FAKETIME_NO_CACHE=1",
                ]
            }
            command += [
                NetmonBinary.path, "probe", "--config", config, "--site", g.code, "--database", g.database,
                "--metrics", "off", "--server", url, "--token-file", "\(stateDir)/token-\(g.code)",
            ]
            g.process = try ChildProcess(command + g.extraArguments)
        }
        func killProbe(_ g: Gateway) {
            guard let p = g.process else { return }
            kill(p.pid, SIGKILL)
            _ = p.waitForExit(timeout: 10)
            g.logs.append(p.stderr)
            g.process = nil
        }
        defer {
            for g in gateways {
                g.process?.stop()
                if let p = g.process { g.logs.append(p.stderr) }
            }
        }
        for g in gateways { try startProbe(g) }

        // The chaos phase.
        var probeKills = 0
        var serverKills = 0
        var destroyedByWipe: Set<RoundRecord> = []
        var wipedSnapshot: [RoundRecord] = []
        var wipedDropped = 0
        let start = Date()
        func elapsed() -> Double { Date().timeIntervalSince(start) }
        var nextRandomKill = Double.random(in: 8...20, using: &random)
        var milestones: [(at: Double, name: String)] = [
            (chaosSeconds * 0.2, "clock-ahead"), (chaosSeconds * 0.35, "outage"), (chaosSeconds * 0.65, "clock-back"),
        ]
        while elapsed() < chaosSeconds {
            if let milestone = milestones.first, elapsed() >= milestone.at {
                milestones.removeFirst()
                say("\(Int(elapsed())) s: \(milestone.name)")
                switch milestone.name {
                case "clock-ahead", "clock-back":
                    killProbe(stepped)
                    probeKills += 1
                    stepped.clockAhead = milestone.name == "clock-ahead"
                    try startProbe(stepped)
                default:
                    // The server is away for 40 s (more than two 15 s steps); half-way the wiped gateway loses its
                    // database with its outbox full, and the capped gateway's outbox overflows.
                    killServer()
                    serverKills += 1
                    usleep(20_000_000)
                    killProbe(wiped)
                    probeKills += 1
                    wipedSnapshot = try Self.gatewayRounds(wiped.database, probe: wiped.probeID)
                    let unsent = try Set(Self.outboxIdentities(wiped.database, probe: wiped.probeID))
                    destroyedByWipe = Set(wipedSnapshot.filter { unsent.contains("\($0.store)/\($0.sequence)") })
                    wipedDropped = try Self.counter(wiped.database, "outbox_dropped")
                    #expect(!destroyedByWipe.isEmpty, "the wiped gateway's outbox was empty at the wipe")
                    for suffix in ["", "-wal", "-shm"] {
                        try? FileManager.default.removeItem(atPath: wiped.database + suffix)
                    }
                    try startProbe(wiped)
                    usleep(20_000_000)
                    try await startServer()
                }
                continue
            }
            if elapsed() >= nextRandomKill {
                if Int.random(in: 0..<4, using: &random) == 0 {
                    killServer()
                    serverKills += 1
                    usleep(UInt32.random(in: 0...3_000_000, using: &random))
                    try await startServer()
                } else {
                    let victim = gateways[Int.random(in: 0..<gateways.count, using: &random)]
                    killProbe(victim)
                    probeKills += 1
                    usleep(UInt32.random(in: 0...2_000_000, using: &random))
                    try startProbe(victim)
                }
                nextRandomKill = elapsed() + Double.random(in: 8...20, using: &random)
            }
            usleep(200_000)
        }

        say("\(Int(elapsed())) s: chaos over (\(probeKills) probe kills, \(serverKills) server kills); draining")
        // Settle: everything still pending reaches the server, then the probes stop gracefully.
        let drained = await eventually(timeout: .seconds(120), poll: .milliseconds(500)) {
            gateways.allSatisfy { g in
                (try? EndToEndChainTests.sql(g.database, "SELECT COUNT(*) FROM outbox"))?.first?.first == "0"
            }
        }
        #expect(drained, "outboxes did not drain after the chaos")
        for g in gateways {
            g.process?.stop()
            if let p = g.process { g.logs.append(p.stderr) }
            g.process = nil
        }

        // Accounting, per gateway.
        var made = 0
        var onServer = 0
        var droppedByCap = 0
        var lost: [RoundRecord] = []
        var unexpected: [RoundRecord] = []
        for g in gateways {
            var numbered = Set(try Self.gatewayRounds(g.database, probe: g.probeID))
            var dropped = try Self.counter(g.database, "outbox_dropped")
            if g === wiped {
                numbered.formUnion(wipedSnapshot)
                dropped += wipedDropped
            }
            let remote = try Self.serverRounds(serverDatabase, probe: g.probeID)
            let remoteSet = Set(remote)
            #expect(remote.count == remoteSet.count)
            unexpected += remoteSet.subtracting(numbered)
            let missing = numbered.subtracting(remoteSet).subtracting(g === wiped ? destroyedByWipe : [])
            // Only the capped gateway may miss rounds, exactly as many as its cap dropped.
            if missing.count != dropped { lost += missing }
            made += numbered.count
            onServer += remoteSet.count
            droppedByCap += dropped
            #expect(try Self.counter(g.database, "rounds_rejected") == 0, "\(g.code): rounds were set aside")
        }
        #expect(
            unexpected.isEmpty,
            "server rounds that no gateway numbered (or with other content): \(unexpected.prefix(5))")
        #expect(lost.isEmpty, "rounds lost: \(lost.count), e.g. \(lost.prefix(5))")
        #expect(droppedByCap > 0, "the capped gateway's outbox never overflowed")
        // No round twice under two identities (same probe, target and start; the stepped gateway is left out: after
        // its clock went back it measured again steps it had already dated while ahead).
        let twice = try EndToEndChainTests.sql(
            serverDatabase,
            """
            SELECT probe_id, target, start_at, COUNT(*) FROM probe_round WHERE probe_id <> '\(stepped.probeID)'
            GROUP BY probe_id, target, start_at HAVING COUNT(*) > 1
            """)
        #expect(twice.isEmpty, "rounds stored twice: \(twice.prefix(5))")
        // The stepped gateway's hub link is its newest round (highest sequence of its store), not the one from the
        // future.
        let link = try EndToEndChainTests.sql(
            serverDatabase,
            "SELECT sequence, store_id FROM link_latest WHERE commune = '\(stepped.code)' AND target = 'hub'")
        let newest = try EndToEndChainTests.sql(
            serverDatabase,
            "SELECT MAX(sequence) FROM probe_round WHERE probe_id = '\(stepped.probeID)' AND target = 'hub' AND store_id = '\(link.first?[1] ?? "")'"
        )
        #expect(link.first?.first == newest.first?.first, "link \(link), newest \(newest)")

        // Nothing valid was answered with a 5xx.
        let probeLogs = gateways.flatMap(\.logs).joined(separator: "\n")
        let fiveHundreds = probeLogs.split(separator: "\n").filter { $0.contains("status=5") }
        #expect(fiveHundreds.isEmpty, "5xx answers: \(fiveHundreds.prefix(3))")

        // Notifications: a resend carries the same id and body; per group, no state is announced twice.
        var bodyByID: [String: [UInt8]] = [:]
        var resends = 0
        var lastByGroup: [String: String] = [:]
        var repeatedStates = 0
        for delivery in receiver.accepted {
            let id = delivery.headers["webhook-id"] ?? ""
            if let seen = bodyByID[id] {
                #expect(seen == delivery.body, "webhook id \(id) re-sent with another body")
                resends += 1
                continue
            }
            bodyByID[id] = delivery.body
            guard let object = try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any],
                let data = object["data"] as? [String: Any], let group = data["groupKey"] as? String,
                let alerts = data["alerts"] as? [[String: Any]]
            else { continue }
            let content = alerts.map { "\($0["fingerprint"] ?? "")=\($0["status"] ?? "")" }.sorted()
                .joined(separator: ",")
            if lastByGroup[group] == content { repeatedStates += 1 }
            lastByGroup[group] = content
        }
        #expect(repeatedStates == 0, "a group was notified twice with the same alerts")
        #expect(!bodyByID.isEmpty, "no notification at all: the lossy link should have fired")

        let figures: [String: Any] = [
            "seed": seed, "chaos_seconds": Int(chaosSeconds), "probe_kills": probeKills, "server_kills": serverKills,
            "rounds_numbered": made, "rounds_on_server": onServer, "rounds_dropped_by_cap": droppedByCap,
            "rounds_destroyed_with_wiped_database": destroyedByWipe.count, "rounds_lost": lost.count,
            "rounds_duplicated": twice.count, "notifications": bodyByID.count, "notification_resends_same_id": resends,
            "notifications_repeated": repeatedStates, "probe_5xx": fiveHundreds.count,
        ]
        let json = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        print("chaos soak figures: \(String(decoding: json, as: UTF8.self))")
        if let path = environment["NETMON_SOAK_REPORT"] { try json.write(to: URL(fileURLWithPath: path)) }
    }

    // MARK: - Reading the stores

    static func gatewayRounds(_ database: String, probe: String) throws -> [RoundRecord] {
        try EndToEndChainTests.sql(
            database,
            "SELECT store_id, sequence, target, sent, received, CAST(start AS INTEGER) FROM round WHERE probe_id = '\(probe)'"
        ).map {
            RoundRecord(
                probe: probe, store: $0[0], sequence: $0[1], target: $0[2], sent: $0[3], received: $0[4], start: $0[5])
        }
    }

    static func serverRounds(_ database: String, probe: String) throws -> [RoundRecord] {
        try EndToEndChainTests.sql(
            database,
            "SELECT store_id, sequence, target, sent, received, CAST(start_at AS INTEGER) FROM probe_round WHERE probe_id = '\(probe)'"
        ).map {
            RoundRecord(
                probe: probe, store: $0[0], sequence: $0[1], target: $0[2], sent: $0[3], received: $0[4], start: $0[5])
        }
    }

    /// `store/sequence` of every round still in the outbox (the store id as the payload carries it).
    static func outboxIdentities(_ database: String, probe: String) throws -> [String] {
        try EndToEndChainTests.sql(
            database,
            "SELECT json_extract(payload, '$.store_id'), sequence FROM outbox WHERE probe_id = '\(probe)'"
        ).map { "\($0[0])/\($0[1])" }
    }

    static func counter(_ database: String, _ name: String) throws -> Int {
        Int(
            try EndToEndChainTests.sql(database, "SELECT value FROM store_counter WHERE name = '\(name)'").first?.first
                ?? "") ?? 0
    }
}
