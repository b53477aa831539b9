import Foundation
import TestSupport
import Testing

/// Issue 19, section 3: a `kind: stamp` target in sites.yaml, measured by the real `netmon probe` through network
/// namespaces against the real `netmon stamp reflect`, with an independent relay (``STAMPRelay``) adding known delays
/// and losses per direction, and the rounds forwarded to the real `netmon serve`, which shows each direction.
@Suite(
    "netmon probe with a stamp target, through namespaces, to netmon serve", .serialized,
    .enabled(if: NetmonBinary.built != nil, "the netmon executable is not built (run swift build first)"),
    .enabled(if: Privileges.canCreateNamespaces, "\(Privileges.namespaceSkipReason)"))
struct DaemonSTAMPTests {
    static let probeToken = "stamp-daemon-probe-token-0123456789"
    static let viewerToken = "stamp-daemon-viewer-token-0123456789"
    static let relayPort = "9862"
    static let reflectorPort = "9863"

    /// One commune (11953) whose gateway measures `meet`, the relay in the target namespace, with STAMP. Both ends
    /// run on this host and share its clock, which both claim synchronised to 10 µs.
    static func sitesYAML() -> String {
        """
        version: 1
        province:
          name: Hưng Yên
          code: "33"
          boundaries: \(RepositoryData.communesGeoJSON)
          require_all_communes: false
        network:
          supernet: 10.33.0.0/16
          datacenter: { name: Test, subnet: 10.33.0.0/24, hub: 10.33.0.1 }
          commune_prefix_length: 24
        defaults:
          probe: { probes: 50, step: 2s, timeout: 400ms, interval: 20ms, payload_bytes: 56 }
          thresholds:
            latency_ms: { warn: 50, critical: 150, clear: 40 }
            loss_ratio: { warn: 0.02, critical: 0.30, clear: 0.01 }
        communes:
          - code: "11953"
            name: Phường Phố Hiến
            subnet: 10.33.1.0/24
            gateway: 10.33.1.1
            probe_id: probe-11953
            targets:
              - { name: meet, address: \(NamespacePair.targetIPv4), kind: stamp, port: \(relayPort), stateful: true, dscp: 46, size: 64, clock_error: 0.01ms }
        coverage:
          resolution: 8
          min_samples: 1
          floors: { 3G: { metric: rscp_dbm, dbm: -110 }, 4G: { metric: rsrp_dbm, dbm: -115 }, 5G: { metric: nr_ss_rsrp_dbm, dbm: -110 } }
          targets: { 4g_every_commune: true, 5g_area_ratio: 0.60, max_dead_zones: 0 }
        call_quality: { target: meet, window: 15m }
        alerts:
          receivers:
            - { name: hook, webhook: { url: "http://127.0.0.1:9/hook" } }
          route: { receiver: hook }
          rules: { for: 1s, loss: { window_probes: 100, clear_window_probes: 400, confidence: 0.95 } }

        """
    }

    /// GET `path` from the server in the source namespace (with curl there), as JSON.
    static func get(_ pair: NamespacePair, port: Int, _ path: String) throws -> [String: Any] {
        let output = try pair.run(
            in: pair.source,
            [
                "curl", "-s", "--max-time", "5", "-H", "Authorization: Bearer \(viewerToken)",
                "http://127.0.0.1:\(port)\(path)",
            ], check: false)
        return (try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// The points of a series that hold rounds.
    static func points(_ series: [String: Any]) -> [[String: Any]] {
        ((series["points"] as? [[String: Any]]) ?? []).filter { ($0["rounds"] as? Int ?? 0) > 0 }
    }

    static func sum(_ points: [[String: Any]], _ key: String) -> Double {
        points.reduce(0) { $0 + (($1[key] as? NSNumber)?.doubleValue ?? 0) }
    }

    @Test("3 ms up / 7 ms down, 10 % uplink loss: each direction recovered, served per direction, uplink alert fires")
    func probeThroughRelayToServer() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sites = directory.appendingPathComponent("sites.yaml").path
        try Self.sitesYAML().write(toFile: sites, atomically: true, encoding: .utf8)
        let tokens = directory.appendingPathComponent("tokens").path
        try "probe probe-11953 \(Self.probeToken)\nviewer v \(Self.viewerToken)\n"
            .write(toFile: tokens, atomically: true, encoding: .utf8)
        let tokenFile = directory.appendingPathComponent("probe-token").path
        try Self.probeToken.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let relayScript = directory.appendingPathComponent("relay.py").path
        try STAMPRelay.script.write(toFile: relayScript, atomically: true, encoding: .utf8)

        try await withNamespacePair { pair in
            let reflector = try pair.start(
                in: pair.target,
                [
                    NetmonBinary.path, "stamp", "reflect", "--listen", "127.0.0.1:\(Self.reflectorPort)", "--stateful",
                    "--clock-error", "1us",
                ])
            defer { reflector.stop(grace: 0) }
            try reflector.waitForLine(startingWith: "ready")
            let relay = try pair.start(
                in: pair.target,
                [
                    "chrt", "-f", "50", "python3", relayScript, NamespacePair.targetIPv4, Self.relayPort, "127.0.0.1",
                    Self.reflectorPort, "0.003", "0.007", "0.10", "0", "19",
                ])
            defer { relay.stop(grace: 0) }
            try relay.waitForLine(startingWith: "ready")

            // The server and the probe share the source namespace (the server on its loopback).
            let port = try freePort()
            let server = try ChildProcess(
                [
                    "ip", "netns", "exec", pair.source, NetmonBinary.path, "serve", "--config", sites, "--database",
                    "sqlite:\(directory.appendingPathComponent("province.sqlite").path)", "--tokens", tokens,
                    "--listen", "127.0.0.1:\(port)", "--alerts-interval", "1",
                ], log: directory.appendingPathComponent("serve.log").path)
            defer { server.stop(grace: 5) }
            let started = await server.waitForOutput(timeout: .seconds(120)) { $0.contains("127.0.0.1:\(port)") }
            try #require(started, "netmon serve did not start: \(server.log)")
            let probe = try ChildProcess(
                [
                    "ip", "netns", "exec", pair.source, NetmonBinary.path, "probe", "--config", sites, "--site",
                    "11953", "--database", directory.appendingPathComponent("gateway.sqlite").path, "--server",
                    "http://127.0.0.1:\(port)", "--token-file", tokenFile, "--no-trim-memory",
                ], log: directory.appendingPathComponent("probe.log").path)
            defer { probe.stop(grace: 10) }

            // Ten rounds of 50 probes (500 probes) reach the server with their breakdown.
            // One point of two hours around now.
            let now = Int(Date().timeIntervalSince1970)
            let query = "from=\(now - 3600)&to=\(now + 3600)&step=2h"
            var uplink: [[String: Any]] = []
            let arrived = await eventually(timeout: .seconds(120), poll: .seconds(1)) {
                uplink = Self.points(
                    (try? Self.get(pair, port: port, "/api/v1/links/11953/meet/series?\(query)&direction=uplink"))
                        ?? [:])
                return Self.sum(uplink, "rounds") >= 10
            }
            #expect(arrived, "probe: \(probe.log)\nserve: \(server.log)")
            let downlink = Self.points(
                try Self.get(pair, port: port, "/api/v1/links/11953/meet/series?\(query)&direction=downlink"))
            let roundTrip = Self.points(try Self.get(pair, port: port, "/api/v1/links/11953/meet/series?\(query)"))

            // Delays: one-way published (both clocks claimed synchronised), each direction's own.
            let forward = try #require((uplink.first?["median_ms"] as? NSNumber)?.doubleValue, "\(uplink)")
            let reverse = try #require((downlink.first?["median_ms"] as? NSNumber)?.doubleValue, "\(downlink)")
            #expect(abs(forward - 3) <= 0.3, "uplink median \(forward) ms")
            #expect(abs(reverse - 7) <= 0.3, "downlink median \(reverse) ms")
            let rtt = try #require((roundTrip.first?["median_ms"] as? NSNumber)?.doubleValue)
            #expect(abs(rtt - 10) <= 0.5, "round trip median \(rtt) ms")
            // Loss: 10 % up, nothing down, within sampling error (4 σ of a binomial).
            let sentUp = Self.sum(uplink, "sent")
            let lostUp = sentUp - Self.sum(uplink, "received")
            // Forward counts end at the last packet the reflector numbered in each round: a lost tail is unattributed.
            #expect(sentUp >= 450)
            #expect(abs(lostUp / sentUp - 0.10) <= 4 * (0.1 * 0.9 / sentUp).squareRoot(), "uplink \(lostUp)/\(sentUp)")
            #expect(Self.sum(downlink, "sent") > 0 && Self.sum(downlink, "received") == Self.sum(downlink, "sent"))

            // The uplink's loss fires LinkLoss naming the uplink; the downlink stays quiet.
            var firing: [[String: Any]] = []
            let fired = await eventually(timeout: .seconds(60), poll: .seconds(1)) {
                let alerts = (try? Self.get(pair, port: port, "/api/v1/alerts?state=firing")) ?? [:]
                firing = (alerts["alerts"] as? [[String: Any]]) ?? []
                return firing.contains { ($0["labels"] as? [String: String])?["alertname"] == "LinkLoss" }
            }
            #expect(fired, "\(firing) \(server.log)")
            let loss = firing.filter { ($0["labels"] as? [String: String])?["alertname"] == "LinkLoss" }
            #expect(loss.allSatisfy { ($0["labels"] as? [String: String])?["direction"] == "uplink" }, "\(loss)")
            let summary = (loss.first?["annotations"] as? [String: String])?["summary"] ?? ""
            #expect(summary.hasPrefix("Uplink loss") && summary.contains("at commune Phường Phố Hiến"), "\(summary)")

            // Call quality per direction, on the one-way figures: the uplink's 10 % loss makes it the worse path.
            let board = try Self.get(pair, port: port, "/api/v1/call-quality")
            let commune = try #require((board["communes"] as? [[String: Any]])?.first, "\(board)")
            let paths = (commune["directions"] as? [[String: Any]]) ?? []
            #expect(paths.map { $0["direction"] as? String } == ["uplink", "downlink"], "\(commune)")
            #expect(paths.allSatisfy { $0["basis"] as? String == "one_way" }, "\(paths)")
            let up = try #require(paths.first)
            let down = try #require(paths.last)
            #expect(abs(((up["one_way_delay_ms"] as? NSNumber)?.doubleValue ?? 0) - 3) <= 0.3, "\(up)")
            #expect(abs(((down["one_way_delay_ms"] as? NSNumber)?.doubleValue ?? 0) - 7) <= 0.3, "\(down)")
            let upR = try #require((up["r"] as? NSNumber)?.doubleValue)
            let downR = try #require((down["r"] as? NSNumber)?.doubleValue)
            #expect(upR < downR, "uplink R \(upR), downlink R \(downR)")
            #expect(commune["grade"] as? String == up["grade"] as? String)
        }
    }
}
