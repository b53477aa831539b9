import Foundation
import TestSupport
import Testing

/// Kill -9 the daemon again and again while it probes, writes and forwards; at the end the receiver must hold
/// every round exactly once, sequence numbers 1…N with no gap, and the gateway's outbox must be empty.
@Suite(
    "crash safety",
    .enabled(if: NetmonBinary.built != nil, "the netmon executable is not built (run swift build first)"),
    .enabled(if: getuid() == 0, "ICMP probing of 127.0.0.x needs root or CAP_NET_RAW"))
struct CrashSafetyTests {
    @Test("SIGKILL under load loses nothing and the server counts every round once")
    func killRepeatedly() async throws {
        let directory = makeTemporaryDirectory()
        let sites = directory.appendingPathComponent("sites.yaml")
        let database = directory.appendingPathComponent("probe.sqlite").path
        let tokenFile = directory.appendingPathComponent("token")
        try "crash-test-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        // Load: 12 loopback targets, 5 probes each, a step every second.
        let targets = (1...12).map { SitesFile.Target(name: "lo\($0)", address: "127.0.0.\($0)") }
        try SitesFile.write(
            SitesFile.yaml(targets: targets, probes: 5, step: "1s", timeout: "300ms", interval: "100ms"), to: sites)
        // The receiver records a batch, then waits before answering: kills land between "stored by the server"
        // and "acknowledged at the gateway", the case that produces repeats.
        let receiver = IngestReceiver(token: "crash-test-token", responseDelay: .milliseconds(300))
        try await receiver.serving {
            #expect(await eventually { receiver.port != nil })
            let receiverPort = try #require(receiver.port)
            let arguments = [
                "--config", sites.path, "--site", "12345", "--database", database, "--metrics", "127.0.0.1:0",
                "--server", "http://127.0.0.1:\(receiverPort)", "--token-file", tokenFile.path, "--log-level",
                "warning",
            ]
            var generator = SystemRandomNumberGenerator()
            var kills = 0
            var inFlightKills = 0
            for cycle in 0..<8 {
                let daemon = try ChildProcess.probe(
                    arguments: arguments, logPath: directory.appendingPathComponent("run\(cycle).log").path)
                if cycle.isMultiple(of: 2) {
                    // Kill at a random moment: probing, writing or sending.
                    try await Task.sleep(for: .seconds(Double.random(in: 1.2...3.0, using: &generator)))
                } else {
                    // Kill while the server holds a batch it has stored but not yet acknowledged.
                    #expect(await eventually(timeout: .seconds(10)) { receiver.snapshot.inFlight > 0 })
                    inFlightKills += 1
                }
                #expect(daemon.isRunning, "run \(cycle) died on its own: \(daemon.log)")
                daemon.signal(SIGKILL)
                _ = await daemon.waitForExit(timeout: .seconds(10))
                kills += 1
            }
            #expect(kills == 8)
            // A last run, stopped gracefully: it flushes its step and drains the outbox.
            let last = try ChildProcess.probe(
                arguments: arguments, logPath: directory.appendingPathComponent("last.log").path)
            try await Task.sleep(for: .seconds(3))
            last.signal(SIGTERM)
            let status = await last.waitForExit(timeout: .seconds(20))
            #expect(status == 0, "\(last.log)")

            let snapshot = try DatabaseSnapshot.read(database)
            let n = snapshot.lastSequence
            #expect(n >= 12 * 5, "the daemon stored only \(n) rounds")
            // The gateway: every number 1…N stored once, none left unsent.
            #expect(snapshot.sequences == Array(1...n))
            #expect(snapshot.outbox == 0)
            // The server: every round exactly once, no gap, no stranger.
            let received = receiver.snapshot
            #expect(received.accepted.count == Int(n))
            #expect(Set(received.accepted) == Set(1...n))
            #expect(received.accepted == Array(1...n), "first arrivals are oldest first")
            #expect(received.badBodies == 0 && received.unauthorized == 0)
            // Batches killed in flight were sent again and dropped as repeats by (probe id, sequence).
            #expect(inFlightKills == 4)
            #expect(received.duplicates >= inFlightKills)
            print(
                "crash safety: \(n) rounds over \(kills) kills; \(received.duplicates) repeats dropped by the receiver")
        }
    }
}
