import Foundation
import NetmonLab
import SiteCatalog
import TestSupport
import Testing

private let endToEndHasAiosmtpd: Bool =
    (try? Shell.run(["python3", "-c", "import aiosmtpd"], check: false).status) == 0

/// The whole chain through a lab, checked against the impairments that went in:
/// probe (inside commune namespaces) → gateway store and outbox → `netmon serve` (SQLite) → API, GeoJSON and
/// dashboard → alerts → webhook (Standard Webhooks signature) and email (a real SMTP server, aiosmtpd).
/// Half-way the server is stopped for a while and one probe is killed with SIGKILL and restarted; at the end every
/// round each gateway stored is on the server exactly once, with the same figures, and sequences have no gaps.
@Suite(
    "End to end: lab → probe → server → GeoJSON → alerts",
    .enabled(if: Privileges.canCreateNamespaces, "\(Privileges.namespaceSkipReason)"),
    .enabled(if: Shell.hasProgram("sqlite3") && Shell.hasProgram("curl"), "needs the sqlite3 and curl programs"),
    .enabled(if: endToEndHasAiosmtpd, "needs aiosmtpd (pip install aiosmtpd) for the SMTP server"))
struct EndToEndChainTests {
    /// Three communes: one healthy, one 80 ms slow (above the 50 ms warning), one losing 20 % (above 10 % critical).
    static let slowDelay = 0.080
    static let lossRatio = 0.20

    @Test("probe → store and forward → server → GeoJSON → webhook and email, through a server outage and a SIGKILL")
    func wholeChain() async throws {
        let stateDir = LabFixtures.stateRoot()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let sites = try SitesConfig.load(path: DemoEndToEndTests.repositorySitesYAML)
        let source = try String(contentsOfFile: DemoEndToEndTests.repositorySitesYAML, encoding: .utf8)
        // Communes with the default targets (the hub and every data-centre service).
        let chosen = Array(sites.communes.filter { $0.targets == nil }.prefix(3))
        try #require(chosen.count == 3)
        let (healthy, slow, lossy) = (chosen[0], chosen[1], chosen[2])

        // Receivers: a webhook receiver and a real SMTP server writing a Maildir.
        let receiver = try await LabHTTPReceiver(logPath: stateDir + "/webhook.jsonl")
        defer { receiver.stop() }
        let smtpPort = try freePort()
        let maildir = stateDir + "/maildir"
        let smtp = try ChildProcess([
            "python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(smtpPort)", "-c", "aiosmtpd.handlers.Mailbox",
            maildir,
        ])
        defer { smtp.stop() }
        let secret = DemoSitesFile.randomSecret()
        let config = stateDir + "/sites.yaml"
        try DemoSitesFile.render(
            source: source, config: sites, webhookURL: receiver.url, webhookSecret: secret,
            email: .init(smarthost: "127.0.0.1:\(smtpPort)", to: "noc@hungyen.gov.vn", from: "netmon@hungyen.gov.vn")
        ).write(toFile: config, atomically: true, encoding: .utf8)
        try Shell.run([NetmonBinary.path, "check", config])

        // The lab, with a host link so the probes reach the server in the root namespace.
        let lab = LabFixtures.uniqueLab()
        let controller = try LabController(lab: lab, stateRoot: stateDir + "/lab")
        defer { _ = controller.down() }
        let plan = try LabPlan.make(config: try SitesConfig.load(path: config), codes: chosen.map(\.code))
        let state = try controller.up(
            plan: plan,
            impairments: [
                slow.code: Impairment(delay: Self.slowDelay, jitter: 0.005),
                lossy.code: Impairment(delay: 0.002, loss: Self.lossRatio),
            ],
            hostLink: true, netmonExecutable: NetmonBinary.path)
        let host = try #require(state.hostLink?.hostAddress)

        // The server, on SQLite, with a token per probe.
        let serverPort = try freePort()
        let url = "http://\(host):\(serverPort)"
        let adminToken = DemoSitesFile.randomToken()
        var tokenLines: [String] = ["admin e2e \(adminToken)"]
        for commune in chosen {
            let token = DemoSitesFile.randomToken()
            tokenLines.append("probe \(commune.probeID) \(token)")
            try token.write(toFile: stateDir + "/token-\(commune.code)", atomically: true, encoding: .utf8)
        }
        try (tokenLines.joined(separator: "\n") + "\n").write(
            toFile: stateDir + "/tokens", atomically: true, encoding: .utf8)
        let serveArguments = [
            NetmonBinary.path, "serve", "--config", config, "--database", "sqlite:\(stateDir)/netmon.sqlite",
            "--listen", "\(host):\(serverPort)", "--tokens", stateDir + "/tokens", "--public-dashboard",
        ]
        var server = try ChildProcess(serveArguments)
        defer { server.stop() }
        try #require(
            await eventually(timeout: .seconds(30), poll: .milliseconds(500)) {
                Self.httpStatus(url + "/healthz") == 200
            }, "server: \(server.stderr)")

        // A probe daemon inside each commune's namespace.
        func startProbe(_ code: String) throws -> ChildProcess {
            try ChildProcess([
                "ip", "netns", "exec", controller.namespace(of: code), NetmonBinary.path, "probe", "--config", config,
                "--site", code, "--database", "\(stateDir)/probe-\(code).sqlite", "--metrics", "off",
                "--server", url, "--token-file", "\(stateDir)/token-\(code)",
            ])
        }
        var probes: [String: ChildProcess] = [:]
        for commune in chosen { probes[commune.code] = try startProbe(commune.code) }
        defer { for probe in probes.values { probe.stop() } }

        // 1. Link health on the server matches the impairments (three rounds of 15 s each).
        let database = stateDir + "/netmon.sqlite"
        try #require(
            await eventually(timeout: .seconds(80), poll: .milliseconds(500)) {
                chosen.allSatisfy { commune in
                    (Int(
                        (try? Self.sql(
                            database,
                            "SELECT COUNT(DISTINCT start_at) FROM probe_round WHERE commune = '\(commune.code)'"))?
                            .first?.first ?? "") ?? 0) >= 3
                }
            }, "three rounds per commune did not reach the server: \(server.stderr.suffix(2000))")
        let icmpMedians = { (code: String) throws -> [Double] in
            try Self.sql(
                database,
                "SELECT median_seconds FROM probe_round WHERE commune = '\(code)' AND kind = 'icmp' AND median_seconds IS NOT NULL"
            )
            .compactMap { Double($0[0]) }.map { $0 * 1000 }
        }
        let healthyMedians = try icmpMedians(healthy.code)
        #expect(!healthyMedians.isEmpty && healthyMedians.allSatisfy { $0 < 10 }, "healthy: \(healthyMedians)")
        let slowMedians = try icmpMedians(slow.code)
        #expect(
            !slowMedians.isEmpty && slowMedians.allSatisfy { $0 > 76 && $0 < 92 }, "slow (80 ms ± 5 ms): \(slowMedians)"
        )
        let lossRows = try Self.sql(
            database, "SELECT SUM(sent), SUM(received) FROM probe_round WHERE commune = '\(lossy.code)'")
        let sent = Double(lossRows.first?[0] ?? "") ?? 0
        let received = Double(lossRows.first?[1] ?? "") ?? 0
        let spread = 5 * (Self.lossRatio * (1 - Self.lossRatio) / max(sent, 1)).squareRoot()
        #expect(
            sent >= 100 && abs((sent - received) / sent - Self.lossRatio) < spread + 0.01,
            "lossy: sent \(sent) received \(received)")
        let healthyLoss = try Self.sql(
            database, "SELECT SUM(sent) - SUM(received) FROM probe_round WHERE commune = '\(healthy.code)'")
        #expect(healthyLoss.first?.first == "0", "the healthy link lost packets: \(healthyLoss)")

        // The same figures through the GeoJSON API: statuses by commune, and the slow hub link's median.
        let communes = try Self.json(url + "/api/v1/geojson/communes")
        let features = (communes["features"] as? [[String: Any]]) ?? []
        func properties(_ code: String) -> [String: Any] {
            (features.first { (($0["properties"] as? [String: Any])?["code"] as? String) == code }?["properties"]
                as? [String: Any]) ?? [:]
        }
        #expect(properties(healthy.code)["status"] as? String == "ok", "\(properties(healthy.code))")
        #expect(
            ["warn", "critical"].contains(properties(slow.code)["status"] as? String ?? ""), "\(properties(slow.code))")
        #expect(properties(lossy.code)["status"] as? String == "critical", "\(properties(lossy.code))")
        let slowLinks = (properties(slow.code)["links"] as? [[String: Any]]) ?? []
        let hubMedian = slowLinks.first { $0["target"] as? String == "hub" }?["median_ms"] as? Double
        #expect(hubMedian.map { $0 > 76 && $0 < 92 } == true, "\(slowLinks)")
        let smoke = try Shell.run(
            ["curl", "-sf", "--max-time", "10", "\(url)/api/v1/links/\(slow.code)/hub/smoke.svg"], check: false)
        #expect(smoke.status == 0 && smoke.stdout.contains("<svg"), "smoke graph: \(smoke.stderr)")

        // Coverage: simulated drive tests uploaded to the server; its dead zones are the ones `netmon coverage report`
        // finds in the same file, and the province's 5G shortfall raises an alert.
        let drives = stateDir + "/drives.csv"
        try Shell.run([
            NetmonBinary.path, "coverage", "simulate", "--config", config, "--rows", "6000", "--report-every", "20",
            "--seed", "3",
            "-o", drives,
        ])
        let offline = try JSONSerialization.jsonObject(
            with: Data(
                try Shell.run([NetmonBinary.path, "coverage", "report", "--config", config, "--json", drives]).stdout
                    .utf8))
        let province = ((offline as? [String: Any])?["province"] as? [String: Any]) ?? [:]
        let expectedZones = try #require(province["dead_zones"] as? Int)
        try #require(expectedZones > 0, "the simulation should leave dead zones: \(province)")
        let header = stateDir + "/admin-header"
        try "Authorization: Bearer \(adminToken)\n".write(toFile: header, atomically: true, encoding: .utf8)
        let upload = try Shell.run([
            "curl", "-sS", "--fail-with-body", "--max-time", "120", "-H", "@\(header)", "-H", "Content-Type: text/csv",
            "--data-binary", "@\(drives)", "\(url)/api/v1/reports?format=csv",
        ])
        #expect(upload.stdout.contains("\"accepted\":6000"), "\(upload.stdout.prefix(1000))")
        var zoneCount = -1
        #expect(
            await eventually(timeout: .seconds(60), poll: .milliseconds(500)) {
                zoneCount = ((try? Self.json(url + "/api/v1/geojson/dead-zones"))?["features"] as? [Any])?.count ?? -1
                return zoneCount == expectedZones
            }, "server dead zones \(zoneCount), netmon coverage report \(expectedZones)")
        #expect(
            await eventually(timeout: .seconds(60), poll: .milliseconds(500)) {
                receiver.accepted.contains {
                    String(decoding: $0.body, as: UTF8.self).contains("Province5GBelowTarget")
                }
            }, "no Province5GBelowTarget alert")

        // 2. Alerts: the lossy commune's loss alert reaches the webhook (signed) and, being critical, the mailbox.
        func notifications(commune code: String, status: String) -> [LabHTTPReceiver.Request] {
            receiver.accepted.filter { delivery in
                let text = String(decoding: delivery.body, as: UTF8.self)
                return text.contains("\"\(code)\"") && text.contains("\"status\":\"\(status)\"")
            }
        }
        #expect(
            await eventually(timeout: .seconds(90), poll: .milliseconds(500)) {
                !notifications(commune: lossy.code, status: "firing").isEmpty
            },
            "no firing notification for \(lossy.code); received \(receiver.count): \(receiver.accepted.map { String(decoding: $0.body, as: UTF8.self) })"
        )
        #expect(
            await eventually(timeout: .seconds(30), poll: .milliseconds(500)) {
                !notifications(commune: slow.code, status: "firing").isEmpty
            },
            "no latency alert for \(slow.code)")
        #expect(notifications(commune: healthy.code, status: "firing").isEmpty)
        for delivery in receiver.accepted {
            #expect(try Self.verifySignature(delivery, secret: secret), "\(delivery.headers)")
        }
        #expect(
            await eventually(timeout: .seconds(30), poll: .milliseconds(500)) {
                Self.mailSubjects(maildir).contains { $0.contains(lossy.name) }
            },
            "no email naming \(lossy.name): \(Self.mailSubjects(maildir))")

        // 3. The server goes away for a while; meanwhile a probe is killed with SIGKILL and restarted.
        let outageStart = Date().timeIntervalSince1970
        server.stop()
        usleep(4_000_000)
        let victim = try #require(probes[healthy.code])
        kill(victim.pid, SIGKILL)
        _ = victim.waitForExit(timeout: 10)
        probes[healthy.code] = try startProbe(healthy.code)
        usleep(20_000_000)  // at least one round of every probe waits in its outbox
        let restart = Date().timeIntervalSince1970
        server = try ChildProcess(serveArguments)
        try #require(
            await eventually(timeout: .seconds(30), poll: .milliseconds(500)) {
                Self.httpStatus(url + "/healthz") == 200
            }, "server restart: \(server.stderr)")
        // The lossy link heals: its alert resolves, once.
        try Shell.run([
            NetmonBinary.path, "lab", "impair", lossy.code, "--clear", "--lab", lab, "--state-dir", stateDir + "/lab",
        ])

        // 4. Every round each gateway stored reaches the server exactly once, with the same figures, no gaps.
        let drained = await eventually(timeout: .seconds(90), poll: .milliseconds(500)) {
            chosen.allSatisfy { commune in
                let pending = try? Self.sql("\(stateDir)/probe-\(commune.code).sqlite", "SELECT COUNT(*) FROM outbox")
                return pending?.first?.first == "0"
            }
        }
        #expect(drained, "outboxes not drained")
        for commune in chosen {
            let local = try Self.sql(
                "\(stateDir)/probe-\(commune.code).sqlite",
                "SELECT sequence, target, sent, received, start FROM round WHERE probe_id = '\(commune.probeID)' ORDER BY sequence"
            )
            let remote = try Self.sql(
                database,
                "SELECT sequence, target, sent, received, start_at FROM probe_round WHERE probe_id = '\(commune.probeID)' ORDER BY sequence"
            )
            #expect(local.count >= 5, "\(commune.code): only \(local.count) rounds")
            #expect(
                local.map { Array($0[0..<4]) } == remote.map { Array($0[0..<4]) },
                "\(commune.code): gateway \(local.count) rounds, server \(remote.count)")
            let sequences = local.compactMap { Int($0[0]) }
            #expect(sequences == Array(1...max(1, sequences.count)), "\(commune.code): sequence gaps \(sequences)")
        }
        let late = try Self.sql(
            database,
            // Rounds whose step ended while the server was away (the outage outlasts a 15 s step): they were stored
            // at the gateway then, and can only have arrived after the restart. (Whether such a round's step also
            // started after the outage began depends on the steps' phase.)
            """
            SELECT COUNT(*) FROM probe_round WHERE start_at + step_seconds > \(outageStart)
            AND start_at + step_seconds < \(restart) AND received_at >= \(restart)
            """
        )
        #expect((Int(late.first?.first ?? "") ?? 0) > 0, "no round made during the outage arrived afterwards")

        // The resolution arrives once, and the restart re-sent no firing notification. Loss is judged on enough
        // probes: at the demo's 50 % confidence a 1 % clear level needs 46 loss-free probes, 5 rounds of 15 s.
        #expect(
            await eventually(timeout: .seconds(180), poll: .milliseconds(500)) {
                !notifications(commune: lossy.code, status: "resolved").isEmpty
            },
            "no resolved notification for \(lossy.code)")
        // Per group, no notification repeats the one before it (the restart re-sent nothing: repeat_interval is 4 h),
        // and every link alert that fired for the lossy commune is later sent as resolved (the restart forgot nothing).
        func lossyAlerts() -> (fired: Set<String>, resolved: Set<String>) {
            var fired: Set<String> = []
            var resolved: Set<String> = []
            for delivery in receiver.accepted {
                let object = try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
                let alerts = ((object?["data"] as? [String: Any])?["alerts"] as? [[String: Any]]) ?? []
                for alert in alerts {
                    let labels = (alert["labels"] as? [String: String]) ?? [:]
                    guard labels["commune"] == lossy.code, labels["alertname"]?.hasPrefix("Link") == true else {
                        continue
                    }
                    let fingerprint = alert["fingerprint"] as? String ?? ""
                    if alert["status"] as? String == "firing" {
                        fired.insert(fingerprint)
                    } else {
                        resolved.insert(fingerprint)
                    }
                }
            }
            return (fired, resolved)
        }
        // Loss is judged on enough probes: at the demo's 50 % confidence the meeting service's clear level (0.005)
        // needs 91 loss-free probes, 10 rounds of 15 s after the heal, where the other targets' 1 % needs 5.
        let settled = await eventually(timeout: .seconds(180), poll: .milliseconds(500)) {
            let (f, r) = lossyAlerts(); return !f.isEmpty && f.isSubset(of: r)
        }
        #expect(settled, "fired \(lossyAlerts().fired), resolved \(lossyAlerts().resolved)")
        var lastByGroup: [String: String] = [:]
        for delivery in receiver.accepted {
            guard let object = try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any],
                let data = object["data"] as? [String: Any], let group = data["groupKey"] as? String,
                let alerts = data["alerts"] as? [[String: Any]]
            else {
                Issue.record(
                    "not a netmon webhook payload: \(String(decoding: delivery.body, as: UTF8.self).prefix(500))")
                continue
            }
            let content = alerts.map { "\($0["fingerprint"] ?? "")=\($0["status"] ?? "")" }.sorted().joined(
                separator: ",")
            #expect(lastByGroup[group] != content, "group \(group) notified twice with the same alerts: \(content)")
            lastByGroup[group] = content
        }
        let alerts = try Shell.run(["curl", "-sf", "--max-time", "10", url + "/api/v1/alerts"], check: false)
        #expect(
            alerts.status == 0 && alerts.stdout.contains(lossy.code),
            "GET /api/v1/alerts: \(alerts.stdout.prefix(2000))")
    }

    // MARK: - Helpers

    static func httpStatus(_ url: String) -> Int {
        let output = try? Shell.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", url], check: false)
        return Int(output?.stdout ?? "") ?? 0
    }

    static func json(_ url: String) throws -> [String: Any] {
        let output = try Shell.run(["curl", "-sf", "--max-time", "10", url])
        return (try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// Rows of a query, as text, read with the sqlite3 program (a reader next to the writers, as WAL allows).
    static func sql(_ database: String, _ query: String) throws -> [[String]] {
        let output = try Shell.run(["sqlite3", "-readonly", "-separator", "\t", database, query])
        return output.stdout.split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// Decoded subjects of the messages in a Maildir (RFC 2047 words decoded by Python's email package).
    static func mailSubjects(_ maildir: String) -> [String] {
        let script = """
            import email, email.header, os, sys
            d = sys.argv[1] + "/new"
            for n in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                m = email.message_from_binary_file(open(os.path.join(d, n), "rb"))
                print(str(email.header.make_header(email.header.decode_header(m["Subject"] or ""))))
            """
        let output = try? Shell.run(["python3", "-c", script, maildir], check: false)
        return (output?.stdout ?? "").split(separator: "\n").map(String.init)
    }

    /// Standard Webhooks: `v1,` + base64(HMAC-SHA256(key, id.timestamp.body)), key = base64 after `whsec_`.
    static func verifySignature(_ delivery: LabHTTPReceiver.Request, secret: String) throws -> Bool {
        guard let id = delivery.headers["webhook-id"], let timestamp = delivery.headers["webhook-timestamp"],
            let signature = delivery.headers["webhook-signature"]
        else { return false }
        let script = """
            import base64, hashlib, hmac, sys
            key = base64.b64decode(sys.argv[1].removeprefix("whsec_"))
            body = sys.stdin.buffer.read()
            print("v1," + base64.b64encode(hmac.new(key, sys.argv[2].encode() + b"." + sys.argv[3].encode() + b"." + body, hashlib.sha256).digest()).decode())
            """
        let bodyFile = NSTemporaryDirectory() + "netmon-e2e-body-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try Data(delivery.body).write(to: URL(fileURLWithPath: bodyFile))
        defer { try? FileManager.default.removeItem(atPath: bodyFile) }
        let output = try Shell.run([
            "sh", "-c", "python3 -c \"$0\" \"$1\" \"$2\" \"$3\" < \"$4\"", script, secret, id, timestamp, bodyFile,
        ])
        let expected = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return signature.split(separator: " ").contains { $0 == expected }
    }
}
