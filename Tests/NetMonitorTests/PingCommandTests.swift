import Foundation
import TestSupport
import Testing

/// The `netmon ping` command itself: exit codes, JSON shape, unresolvable names, Ctrl-C.
@Suite("netmon ping command line", .enabled(if: Privileges.canOpenICMPSockets, "\(Privileges.icmpSkipReason)"))
struct PingCommandTests {
    @Test(
        "--json has exactly the documented fields; rtt_ms is null when nothing came back; exit 1 if a name does not resolve"
    )
    func jsonShapeAndUnresolvable() throws {
        let output = try Shell.run(
            [NetmonBinary.path, "ping", "--json", "-c", "3", "-p", "10", "127.0.0.1", "no-such-host.invalid"],
            check: false)
        #expect(output.status == 1)
        #expect(output.stderr.contains("no-such-host.invalid"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(Array(document.keys) == ["targets"])
        let targets = try #require(document["targets"] as? [[String: Any]])
        #expect(targets.count == 2)
        let keys: Set<String> = [
            "target", "address", "sent", "received", "duplicates", "loss_ratio", "rtt_ms", "jitter_ms", "pdv_ms",
            "errors",
        ]
        for target in targets { #expect(Set(target.keys) == keys) }
        #expect(targets[0]["target"] as? String == "127.0.0.1")
        #expect(targets[0]["received"] as? Int == 3)
        let rtt = try #require(targets[0]["rtt_ms"] as? [String: Any])
        #expect(Set(rtt.keys) == ["min", "median", "mean", "max", "stddev", "p95"])
        #expect(targets[1]["rtt_ms"] is NSNull)
        #expect(targets[1]["address"] is NSNull)
        #expect((targets[1]["errors"] as? [[String: Any]])?.first?["message"] as? String != nil)
        // Key order in the text follows the documented order.
        let text = output.stdout
        let positions = [
            "\"target\"", "\"address\"", "\"sent\"", "\"received\"", "\"duplicates\"", "\"loss_ratio\"", "\"rtt_ms\"",
            "\"jitter_ms\"", "\"pdv_ms\"", "\"errors\"",
        ]
        .map { text.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test("exit 0 when every target answered; the table names every target")
    func table() throws {
        let output = try Shell.run(
            [NetmonBinary.path, "ping", "-c", "2", "-p", "10", "127.0.0.1", "::1"], check: false)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("127.0.0.1") && output.stdout.contains("::1"))
        #expect(output.stdout.contains("median") && output.stdout.contains("jitter"))
    }

    @Test(
        "usage and permission-style errors exit 2",
        arguments: [
            ["ping"], ["ping", "-c", "0", "127.0.0.1"], ["ping", "--ttl", "300", "127.0.0.1"],
            ["ping", "-f", "/nonexistent/targets"],
            ["ping", "--site", "99999", "--config", "/nonexistent/sites.yaml"],
        ])
    func usageErrors(arguments: [String]) throws {
        let output = try Shell.run([NetmonBinary.path] + arguments, check: false)
        #expect(output.status == 2, "\(arguments): \(output.stderr)")
        #expect(!output.stderr.isEmpty)
    }

    @Test("targets from a file: comments and blank lines skipped")
    func targetFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-targets-\(getpid()).txt").path
        try "# loopback\n127.0.0.1\n\n::1   # v6\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try Shell.run(
            [NetmonBinary.path, "ping", "--json", "-c", "2", "-p", "10", "-f", path], check: false)
        #expect(output.status == 0)
        #expect(output.stdout.contains("\"target\":\"127.0.0.1\"") && output.stdout.contains("\"target\":\"::1\""))
    }

    @Test("Ctrl-C (SIGINT) stops probing and prints the summary so far")
    func interrupt() throws {
        let child = try ChildProcess([NetmonBinary.path, "ping", "--json", "-c", "100000", "-p", "10", "127.0.0.1"])
        // Interrupt once it is probing (its probe socket is open), however slowly a loaded machine started it.
        func hasSocket() -> Bool {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(child.pid)/fd")) ?? []
            return fds.contains {
                ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(child.pid)/fd/\($0)")) ?? "")
                    .hasPrefix("socket:")
            }
        }
        for _ in 0..<1000 where !hasSocket() { usleep(10_000) }
        // A probe goes out 1 ms after the socket opens; a loaded machine may not run the thread for a while.
        usleep(1_000_000)
        kill(child.pid, SIGINT)
        for _ in 0..<300 where child.stdout.isEmpty { usleep(10_000) }
        usleep(100_000)
        let text = child.stdout
        child.stop()
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "stdout: \(text)")
        let target = try #require((document["targets"] as? [[String: Any]])?.first)
        let sent = try #require(target["sent"] as? Int)
        #expect(sent >= 1 && sent < 100_000)
        #expect(target["received"] as? Int == sent)
    }
}
