import Foundation
import TestSupport
import Testing

/// The built `netmon probe` run as a process: signals, reload, crash safety. Loopback targets only.
@Suite(
    "netmon probe daemon",
    .enabled(if: NetmonBinary.built != nil, "the netmon executable is not built (run swift build first)"),
    .enabled(if: getuid() == 0, "ICMP probing of 127.0.0.x needs root or CAP_NET_RAW"),
    .serialized)
struct DaemonTests {
    let directory = makeTemporaryDirectory()
    var sitesURL: URL { directory.appendingPathComponent("sites.yaml") }
    var database: String { directory.appendingPathComponent("probe.sqlite").path }

    func loopbackTargets(_ count: Int) -> [SitesFile.Target] {
        (1...count).map { SitesFile.Target(name: "lo\($0)", address: "127.0.0.\($0)") }
    }

    @Test("--once probes every target once and prints the round")
    func once() async throws {
        try SitesFile.write(SitesFile.yaml(targets: loopbackTargets(3)), to: sitesURL)
        let daemon = try ChildProcess.probe(
            arguments: ["--config", sitesURL.path, "--site", "12345", "--once", "--json"],
            logPath: directory.appendingPathComponent("once.log").path)
        let status = await daemon.waitForExit(timeout: .seconds(30))
        #expect(status == 0, "\(daemon.log)")
        let log = daemon.log
        #expect(log.contains("\"target\" : \"lo1\""))
        #expect(log.contains("\"target\" : \"lo3\""))
        #expect(log.contains("\"received\" : 5"))
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test("an invalid sites.yaml stops the start with the netmon check message and exit code 2")
    func invalidConfig() async throws {
        try SitesFile.write(
            SitesFile.yaml(targets: loopbackTargets(1)).replacingOccurrences(of: "step: 1s", with: "step: soon"),
            to: sitesURL)
        let daemon = try ChildProcess.probe(
            arguments: ["--config", sitesURL.path, "--site", "12345", "--database", database],
            logPath: directory.appendingPathComponent("invalid.log").path)
        #expect(await daemon.waitForExit(timeout: .seconds(20)) == 2)
        #expect(daemon.log.contains("\(sitesURL.lastPathComponent):8:"), "\(daemon.log)")
        let unknown = try ChildProcess.probe(
            arguments: [
                "--config", sitesURL.path.replacingOccurrences(of: "sites.yaml", with: "none.yaml"), "--site", "99999",
            ],
            logPath: directory.appendingPathComponent("missing.log").path)
        #expect(await unknown.waitForExit(timeout: .seconds(20)) == 2)
    }

    @Test("SIGTERM mid-round: the round is finished and stored, then the daemon exits 0")
    func gracefulStop() async throws {
        // Rounds of 8 probes 150 ms apart in 2 s steps: a round lasts over a second.
        try SitesFile.write(
            SitesFile.yaml(targets: loopbackTargets(2), probes: 8, step: "2s", timeout: "300ms", interval: "150ms"),
            to: sitesURL)
        let daemon = try ChildProcess.probe(
            arguments: [
                "--config", sitesURL.path, "--site", "12345", "--database", database, "--metrics", "127.0.0.1:0",
            ],
            logPath: directory.appendingPathComponent("graceful.log").path)
        defer { Task { await daemon.killHard() } }
        #expect(
            await eventually(timeout: .seconds(20)) {
                ((try? DatabaseSnapshot.read(database))?.sequences.count ?? 0) >= 2
            })
        // Signal 0.4 s into the next step, while its probes are going out.
        let step = 2.0
        let now = Date().timeIntervalSince1970
        let nextStep = (now / step).rounded(.down) * step + step
        try await Task.sleep(for: .seconds(nextStep - now + 0.4))
        daemon.signal(SIGTERM)
        let status = await daemon.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "\(daemon.log)")
        let snapshot = try DatabaseSnapshot.read(database)
        #expect(snapshot.starts.contains(nextStep), "the interrupted step's rounds were stored")
        #expect(snapshot.sequences == Array(1...snapshot.lastSequence))
        #expect(daemon.log.contains("scheduler stopped"))
    }

    @Test("SIGHUP reloads a valid file and refuses an invalid one with the check message")
    func reload() async throws {
        try SitesFile.write(SitesFile.yaml(targets: loopbackTargets(1)), to: sitesURL)
        let daemon = try ChildProcess.probe(
            arguments: [
                "--config", sitesURL.path, "--site", "12345", "--database", database, "--metrics", "127.0.0.1:0",
            ],
            logPath: directory.appendingPathComponent("reload.log").path)
        defer { Task { await daemon.killHard() } }
        #expect(
            await eventually(timeout: .seconds(20)) {
                ((try? DatabaseSnapshot.read(database))?.sequences.count ?? 0) >= 1
            })
        // An invalid file: refused, logged with path:line:column, the daemon keeps probing the old targets.
        try SitesFile.write(
            SitesFile.yaml(targets: loopbackTargets(2)).replacingOccurrences(of: "probes: 5", with: "probes: many"),
            to: sitesURL)
        daemon.signal(SIGHUP)
        #expect(await eventually(timeout: .seconds(10)) { daemon.log.contains("configuration refused") })
        #expect(daemon.log.contains("sites.yaml:8:"), "\(daemon.log)")
        let before = try DatabaseSnapshot.read(database).sequences.count
        #expect(
            await eventually(timeout: .seconds(10)) {
                ((try? DatabaseSnapshot.read(database))?.sequences.count ?? 0) >= before + 2
            })
        #expect(daemon.isRunning)
        #expect(try DatabaseSnapshot.read(database).targets == ["lo1"])
        // A valid file with a second target: reloaded, the new target is probed from the next step.
        try SitesFile.write(SitesFile.yaml(targets: loopbackTargets(2)), to: sitesURL)
        daemon.signal(SIGHUP)
        #expect(await eventually(timeout: .seconds(10)) { daemon.log.contains("configuration reloaded") })
        #expect(
            await eventually(timeout: .seconds(10)) {
                (try? DatabaseSnapshot.read(database))?.targets == ["lo1", "lo2"]
            })
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(15)) == 0)
    }
}
