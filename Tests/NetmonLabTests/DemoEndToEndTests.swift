import Foundation
import TestSupport
import Testing

/// `netmon demo` as far as this build has the parts: the lab with its link mix, the webhook receiver, the demo's
/// copy of sites.yaml, and a clean teardown. Parts that are not in the build are reported by the demo and their
/// checks here are skipped with a note (see the test's comments and docs/ARCHITECTURE.md, NetmonLab → Demo).
@Suite(
    "netmon demo end to end (as far as the build has the parts)",
    .enabled(if: Privileges.canCreateNamespaces, "\(Privileges.namespaceSkipReason)"))
struct DemoEndToEndTests {
    static let repositorySitesYAML: String = {
        // Tests run from the package root (swift test); fall back to the source tree of this file.
        let candidates = [
            FileManager.default.currentDirectoryPath + "/sites.yaml",
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("sites.yaml").path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0]
    }()

    @Test(
        "demo: lab with healthy, slow and lossy links measured from inside, receiver up, everything removed at the end")
    func demoLabAndTeardown() throws {
        let stateDir = LabFixtures.stateRoot()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let lab = LabFixtures.uniqueLab()
        let port = 30_000 + Int(getpid() % 20_000)
        let demo = try ChildProcess(
            [
                NetmonBinary.path, "demo", "--config", Self.repositorySitesYAML, "--communes", "6", "--lab", lab,
                "--state-dir", stateDir, "--port", String(port), "--duration", "600", "--drive-test-rows", "8000",
            ])
        defer {
            demo.stop()
            _ = try? Shell.run(
                [NetmonBinary.path, "lab", "down", "--lab", lab, "--state-dir", stateDir + "/lab"], check: false)
        }
        try demo.waitForLine(startingWith: "Ctrl-C stops", timeout: 120)
        let output = demo.stdout
        #expect(output.contains("lab '\(lab)' up: 6 communes"), "\(output)")
        #expect(output.contains("webhook receiver http://127.0.0.1:"))
        // The demo's copy of sites.yaml has the fast schedule and points alerts at the receiver.
        let copy = try String(contentsOfFile: stateDir + "/sites.yaml", encoding: .utf8)
        #expect(copy.contains("step: 15s") && copy.contains("demo-webhook"))
        try Shell.run([NetmonBinary.path, "check", stateDir + "/sites.yaml"])
        // The tokens file (the admin token included) and each probe's token file are readable by their owner only.
        for file in ["tokens"]
            + ((try? FileManager.default.contentsOfDirectory(atPath: stateDir)) ?? []).filter({
                $0.hasPrefix("token-")
            })
        {
            let mode =
                (try FileManager.default.attributesOfItem(atPath: stateDir + "/" + file)[.posixPermissions]
                as? NSNumber)?.intValue
            #expect(mode == 0o600, "\(file) has mode \(String(mode ?? -1, radix: 8))")
        }

        // The link mix, measured from inside the commune namespaces: the last commune of six is 80 ms slow,
        // the fourth (index 3) 200 ms, the second (index 1) loses 5 % — see `Demo.mix`.
        let status = try Shell.run([NetmonBinary.path, "lab", "status", "--lab", lab, "--state-dir", stateDir + "/lab"])
            .stdout
        let codes = status.split(separator: "\n").compactMap { line -> String? in
            let first = line.split(separator: " ").first.map(String.init) ?? ""
            return first.count == 5 && Int(first) != nil ? first : nil
        }
        #expect(codes.count == 6, "\(status)")
        guard codes.count == 6 else { return }
        func rtts(_ code: String, count: Int) throws -> [Double] {
            let output = try Shell.run(
                [
                    "ip", "netns", "exec", "nml-\(lab)-c\(code)", "ping", "-n", "-c", String(count), "-i", "0.01", "-W",
                    "1", "10.33.0.1",
                ],
                check: false)
            return LabFixtures.pingResults(output.stdout).rtts
        }
        let healthy = try rtts(codes[0], count: 10)
        #expect(healthy.count == 10 && LabFixtures.median(healthy) < 5, "\(healthy)")
        let slow = try rtts(codes[5], count: 20)
        #expect(LabFixtures.median(slow) > 75 && LabFixtures.median(slow) < 86, "\(slow)")
        let verySlow = try rtts(codes[3], count: 10)
        #expect(LabFixtures.median(verySlow) > 185 && LabFixtures.median(verySlow) < 216, "\(verySlow)")

        // The server, when this build has `netmon serve`: it listens on the host link, answers the host and,
        // through the data centre, a commune namespace (the path probe daemons forward on).
        if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("server http://") }) {
            let url = String(line.split(separator: " ")[1])
            let health = try Shell.run(["curl", "-sf", "--max-time", "5", url + "/healthz"], check: false)
            #expect(health.status == 0, "\(health.stderr)")
            let communes = try Shell.run(
                ["curl", "-sf", "--max-time", "10", url + "/api/v1/geojson/communes"], check: false)
            #expect(communes.status == 0 && communes.stdout.contains("FeatureCollection"))
            let fromCommune = try Shell.run(
                ["ip", "netns", "exec", "nml-\(lab)-c\(codes[0])", "curl", "-sf", "--max-time", "5", url + "/healthz"],
                check: false)
            #expect(fromCommune.status == 0, "commune → host link → server: \(fromCommune.stderr)")
            // Within a minute: link health from the probes, coverage and dead zones from the uploaded drive tests, and
            // at least one alert at the demo's webhook receiver.
            #expect(output.contains("drive tests uploaded to the server"), "\(output)")
            let deadline = Date().addingTimeInterval(60)
            func ready() -> (links: Bool, zones: Bool, alerts: Bool) {
                let communes =
                    (try? Shell.run(
                        ["curl", "-sf", "--max-time", "10", url + "/api/v1/geojson/communes"], check: false))?.stdout
                    ?? ""
                let zones =
                    (try? Shell.run(
                        ["curl", "-sf", "--max-time", "10", url + "/api/v1/geojson/dead-zones"], check: false))?.stdout
                    ?? ""
                let webhook = (try? String(contentsOfFile: stateDir + "/webhook.jsonl", encoding: .utf8)) ?? ""
                return (
                    communes.contains("\"median_ms\""),
                    zones.contains("\"Polygon\"") || zones.contains("\"MultiPolygon\""), !webhook.isEmpty
                )
            }
            var state = ready()
            while !(state.links && state.zones && state.alerts) && Date() < deadline {
                usleep(1_000_000)
                state = ready()
            }
            #expect(state.links, "no link health on the dashboard within a minute")
            #expect(state.zones, "no dead zones on the dashboard within a minute")
            #expect(state.alerts, "no alert at the webhook receiver within a minute")
        } else {
            #expect(output.contains("netmon serve is not in this build yet"))
        }

        // Ctrl-C: the demo stops its children and removes the lab.
        kill(demo.pid, SIGINT)
        #expect(demo.waitForExit(timeout: 30) == 0, "\(demo.stdout)\n\(demo.stderr)")
        #expect(demo.stdout.contains("demo stopped"))
        let namespaces = try Shell.run(["ip", "netns", "list"]).stdout
        #expect(!namespaces.contains("nml-\(lab)-"), "\(namespaces)")
        #expect(!(try Shell.run(["ip", "-o", "link", "show"]).stdout.contains("nmlh-\(lab)")))
    }
}
