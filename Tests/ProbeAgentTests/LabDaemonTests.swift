import Foundation
import NetmonProtocol
import TestSupport
import Testing

/// The daemon where it belongs: inside a commune gateway's namespace holding the sites.yaml addresses, built by
/// `netmon lab up` (a data-centre namespace with the hub and services, one gateway namespace, no route out), with
/// the lab responder delaying echo replies, passive capture on the gateway's link, and a receiver that exists only
/// inside the data centre.
@Suite(
    "netmon probe inside a lab namespace",
    .enabled(if: NetmonBinary.built != nil, "the netmon executable is not built (run swift build first)"),
    .enabled(if: Privileges.canCreateNamespaces, "\(Privileges.namespaceSkipReason)"))
struct LabDaemonTests {
    static let code = "12345"
    static let delayMs = 20.0
    static let token = "lab-token-\(UInt32.random(in: 0...UInt32.max))"

    static let sitesYAML = """
        version: 1
        province: { name: Hưng Yên, code: "33", require_all_communes: false }
        network:
          supernet: 10.33.0.0/16
          datacenter:
            name: Trung tâm Dữ liệu (lab)
            subnet: 10.33.0.0/24
            hub: 10.33.0.1
            services:
              - { name: portal, address: 10.33.0.10, kind: tcp, port: 443 }
              - { name: dns, address: 10.33.0.53, kind: icmp }
              - { name: ingest, address: 10.33.0.20, kind: tcp, port: 8081 }
          commune_prefix_length: 24
        defaults:
          probe: { probes: 5, step: 2s, timeout: 500ms, interval: 200ms, payload_bytes: 56 }
          thresholds:
            latency_ms: { warn: 50, critical: 150, clear: 40 }
            loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }
        communes:
          - code: "\(code)"
            name: Xã Thử Nghiệm
            subnet: 10.33.1.0/24
            gateway: 10.33.1.1
            probe_id: probe-\(code)
            capture: { interface: dc, filter: "tcp or icmp", buffer_mib: 1 }
          - { code: "12346", name: Xã Bên Cạnh, subnet: 10.33.2.0/24, gateway: 10.33.2.1, probe_id: probe-12346 }
        coverage:
          floors: { 4G: { metric: rsrp_dbm, dbm: -115 }, 5G: { metric: nr_ss_rsrp_dbm, dbm: -110 } }
          targets: { 4g_every_commune: true, 5g_area_ratio: 0.60, max_dead_zones: 0 }
        alerts:
          receivers:
            - { name: hook, webhook: { url: "http://127.0.0.1:9/hook" } }
          route: { receiver: hook }

        """

    /// A tiny ingest receiver (Python's http.server) for the data-centre namespace: checks the bearer token and
    /// prints every round it accepts as one `ROUND {json}` line.
    static let receiverScript = """
        import http.server, json, sys
        token = sys.argv[3]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
                if self.headers.get('Authorization') != 'Bearer ' + token:
                    self.send_response(401); self.end_headers(); return
                rounds = json.loads(body)['rounds']
                for r in rounds:
                    print('ROUND ' + json.dumps(r, sort_keys=True), flush=True)
                # The counts-only answer of servers that predate per-round replies.
                reply = json.dumps({'accepted': len(rounds), 'duplicates': 0, 'received': len(rounds)}).encode()
                self.send_response(200); self.send_header('Content-Length', str(len(reply))); self.end_headers(); self.wfile.write(reply)
            def log_message(self, *args): pass
        server = http.server.HTTPServer((sys.argv[1], int(sys.argv[2])), Handler)
        print('ready', flush=True)
        server.serve_forever()
        """

    @Test("rounds for the sites.yaml targets arrive with the lab's delay; capture on the link gives passive rounds")
    func daemonInGatewayNamespace() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sitesPath = directory.appendingPathComponent("sites.yaml").path
        try Self.sitesYAML.write(toFile: sitesPath, atomically: true, encoding: .utf8)
        let tokenPath = directory.appendingPathComponent("token").path
        try Self.token.write(toFile: tokenPath, atomically: true, encoding: .utf8)
        let lab = "pd\(String(UInt32.random(in: 0...UInt32.max), radix: 36).prefix(6))"
        let stateDir = directory.appendingPathComponent("lab").path
        let netmon = NetmonBinary.path
        let datacenter = "nml-\(lab)-dc"
        let gateway = "nml-\(lab)-c\(Self.code)"

        try await offPool {
            try Shell.run([
                netmon, "lab", "up", "--config", sitesPath, "--commune", Self.code, "--lab", lab, "--state-dir",
                stateDir,
                "--impair", "\(Self.code)=\(Int(Self.delayMs))ms",
            ])
        }
        var daemon: ChildProcess?
        var receiver: ChildProcess?
        do {
            // Nothing leaves: the gateway's only routes are its link and the data-centre subnet.
            let routes = try await offPool { try Shell.run(["ip", "-n", gateway, "route", "show"]).stdout }
            #expect(!routes.contains("default"), "the gateway namespace has a default route: \(routes)")

            let ingest = try ChildProcess([
                "ip", "netns", "exec", datacenter, "/usr/bin/python3", "-u", "-c", Self.receiverScript, "10.33.0.20",
                "8080", Self.token,
            ])
            receiver = ingest
            let ready = await eventually(timeout: .seconds(20)) { ingest.stdout.contains("ready") }
            try #require(ready, "the receiver did not start: \(ingest.stderr)")

            let logPath = directory.appendingPathComponent("probe.log").path
            let probe = try ChildProcess.probe(
                arguments: [
                    "--config", sitesPath, "--site", Self.code, "--database",
                    directory.appendingPathComponent("probe.sqlite").path, "--server", "http://10.33.0.20:8080",
                    "--token-file", tokenPath, "--metrics", "127.0.0.1:9109", "--log-level", "debug",
                ], logPath: logPath, launcher: ["ip", "netns", "exec", gateway])
            daemon = probe

            // Two full steps of every active target and passive rounds for the probed addresses.
            let arrived = await eventually(timeout: .seconds(60)) {
                let rounds = Self.rounds(ingest.stdout)
                let full = rounds.filter { $0.kind != "passive" && $0.sent == 5 }
                let passive = Set(rounds.filter { $0.kind == "passive" && !$0.rttSeconds.isEmpty }.map(\.target))
                return ["hub", "portal", "dns"].allSatisfy { name in full.filter { $0.target == name }.count >= 2 }
                    && passive.isSuperset(of: ["passive:hub", "passive:dns", "passive:ingest"])
            }
            let rounds = Self.rounds(ingest.stdout)
            try #require(
                arrived, "rounds did not arrive; got \(rounds.map { "\($0.target)/\($0.sent)" }); log: \(probe.log)")

            // Active ICMP: every probe answered, median at the responder's delay (plus a little for the path).
            for name in ["hub", "dns"] {
                for round in rounds.filter({ $0.target == name && $0.sent == 5 }) {
                    #expect(round.address == (name == "hub" ? "10.33.0.1" : "10.33.0.53"))
                    #expect(round.commune == Self.code && round.probeID == "probe-\(Self.code)")
                    #expect(round.received == 5, "\(name): \(round.received)/5 answered")
                    let median = try #require(round.medianRTTSeconds) * 1000
                    #expect(median >= Self.delayMs && median < Self.delayMs + 5, "\(name) median \(median) ms")
                }
            }
            // Active TCP: the kernel answers the SYN at once (the delay applies to echo only).
            for round in rounds.filter({ $0.target == "portal" && $0.sent == 5 }) {
                #expect(round.received == 5 && round.kind == "tcp" && round.address == "10.33.0.10")
                // A median well under the echo delay (single connects may be late on a loaded machine).
                #expect(
                    (round.medianRTTSeconds ?? 1) * 1000 < Self.delayMs / 2, "portal connect RTTs \(round.rttSeconds)")
            }
            // Passive: the capture on the link saw the same echoes, so the same delay; the connects' handshakes.
            for round in rounds.filter({ $0.kind == "passive" && ["passive:hub", "passive:dns"].contains($0.target) }) {
                #expect(round.address == (round.target == "passive:hub" ? "10.33.0.1" : "10.33.0.53"))
                #expect(round.sent > 0 && round.received <= round.sent)
                if let median = round.medianRTTSeconds, round.rttSeconds.count >= 3 {
                    #expect(
                        median * 1000 >= Self.delayMs && median * 1000 < Self.delayMs + 5,
                        "\(round.target) passive median \(median * 1000) ms")
                }
            }
            // The forwarder's HTTP to the receiver is real TCP data: segments counted, RTT samples taken.
            let ingestRounds = rounds.filter { $0.target == "passive:ingest" }
            #expect(
                ingestRounds.contains { $0.sent > 0 && $0.received > 0 && $0.address == "10.33.0.20" },
                "\(ingestRounds)")
            #expect(
                rounds.filter { $0.kind == "passive" }.allSatisfy {
                    $0.target.hasPrefix("passive:") && $0.jitterSeconds == nil
                })
            // Sequences are unique across active and passive rounds.
            let sequences = rounds.map(\.sequence)
            #expect(Set(sequences).count == sequences.count)

            // /metrics inside the namespace carries the capture's drop counter from pcap_stats.
            let metrics = try await offPool {
                try Shell.run(["ip", "netns", "exec", gateway, "curl", "-sf", "http://127.0.0.1:9109/metrics"]).stdout
            }
            #expect(
                metrics.contains("netmon_capture_drops_total{commune=\"\(Self.code)\",interface=\"dc\"} 0"),
                "\(metrics)")
            #expect(
                metrics.contains("netmon_probe_packets_sent_total{commune=\"\(Self.code)\",target=\"passive:hub\"}"))

            probe.signal(SIGTERM)
            let status = await probe.waitForExit(timeout: .seconds(30))
            #expect(status == 0, "exit \(String(describing: status)); log: \(probe.log)")
            #expect(probe.log.contains("passive capture running"))
        } catch {
            await daemon?.killHard()
            await Self.teardown(netmon: netmon, lab: lab, stateDir: stateDir, receiver: receiver)
            throw error
        }
        await daemon?.killHard()
        await Self.teardown(netmon: netmon, lab: lab, stateDir: stateDir, receiver: receiver)
        let left = try await offPool { try Shell.run(["ip", "netns", "list"]).stdout }
        #expect(!left.contains("nml-\(lab)-"), "the lab was not removed: \(left)")
    }

    static func teardown(netmon: String, lab: String, stateDir: String, receiver: ChildProcess?) async {
        _ = try? await offPool {
            receiver?.stop()
            return try Shell.run([netmon, "lab", "down", "--lab", lab, "--state-dir", stateDir], check: false)
        }
    }

    /// The rounds the receiver printed.
    static func rounds(_ output: String) -> [ProbeRound] {
        let decoder = WireCoding.makeDecoder()
        return output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("ROUND ") else { return nil }
            return try? decoder.decode(ProbeRound.self, from: Data(line.dropFirst(6).utf8))
        }
    }
}

/// Runs blocking work (child processes, `ip`) on a thread of its own, so the 2-thread cooperative pool never waits.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
