import Foundation
import TestSupport
import Testing

/// STAMP through real network namespaces against peers written independently in Python (`IndependentPeers`), with
/// known and different delays and losses per direction: netmon's sender against an independent reflector, netmon's
/// reflector against an independent sender.
@Suite(
    "STAMP through network namespaces against independent peers", .serialized,
    .enabled(if: Privileges.canCreateNamespaces, "\(Privileges.namespaceSkipReason)"))
struct NamespaceSTAMPTests {
    static let port = "9862"

    /// One JSON object per line of `text`: the last one.
    static func lastJSON(_ text: String) throws -> [String: Any] {
        let line = try #require(text.split(separator: "\n").last { $0.hasPrefix("{") }, "no JSON in: \(text)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    static func number(_ object: [String: Any]?, _ path: String...) -> Double? {
        var current: Any? = object
        for key in path { current = (current as? [String: Any])?[key] }
        return (current as? NSNumber)?.doubleValue
    }

    /// Runs the independent reflector in the target namespace and `netmon stamp` against it from the source.
    static func measure(
        pair: NamespacePair, forwardDelay: Double, reverseDelay: Double, forwardLoss: Double, reverseLoss: Double,
        synchronised: Bool, count: Int
    ) throws -> (netmon: [String: Any], truth: [String: Any], status: Int32) {
        let script = try IndependentPeers.write(IndependentPeers.reflector, name: "reflector")
        defer { unlink(script) }
        let reflector = try pair.start(
            in: pair.target,
            [
                "chrt", "-f", "50", "python3", script, NamespacePair.targetIPv4, Self.port, "\(forwardDelay)",
                "\(reverseDelay)",
                "\(forwardLoss)", "\(reverseLoss)", "7", synchronised ? "1" : "0", "1", "1.5",
            ])
        defer { reflector.stop(grace: 0) }
        try reflector.waitForLine(startingWith: "ready")
        let run = try pair.run(
            in: pair.source,
            [
                NetmonBinary.path, "stamp", "\(NamespacePair.targetIPv4):\(Self.port)", "-c", "\(count)", "-i", "5",
                "-t", "500ms", "--size", "64", "--clock-error", "1us", "--json",
            ], check: false)
        // The reflector prints what it did once it has been idle for 1.5 s.
        _ = reflector.waitForExit(timeout: 20)
        let document = try Self.lastJSON(run.stdout)
        let target = try #require((document["targets"] as? [[String: Any]])?.first, "\(run.stdout) \(run.stderr)")
        return (target, try Self.lastJSON(reflector.stdout), run.status)
    }

    @Test("netmon's sender recovers 3 ms forward / 7 ms reverse within 0.1 ms, and 5 % / 10 % loss per direction")
    func senderAgainstIndependentReflector() async throws {
        try await withNamespacePair { pair in
            let count = 400
            let (netmon, truth, status) = try Self.measure(
                pair: pair, forwardDelay: 0.003, reverseDelay: 0.007, forwardLoss: 0.05, reverseLoss: 0.10,
                synchronised: true, count: count)
            #expect(status == 0)
            #expect(netmon["reflector_mode"] as? String == "stateful")
            #expect(Self.number(netmon, "sent") == Double(count))
            let forward = try #require(Self.number(netmon, "forward", "delay_ms", "median"), "\(netmon)")
            let reverse = try #require(Self.number(netmon, "reverse", "delay_ms", "median"), "\(netmon)")
            #expect(abs(forward - 3) <= 0.1, "forward median \(forward) ms")
            #expect(abs(reverse - 7) <= 0.1, "reverse median \(reverse) ms")
            let round = try #require(Self.number(netmon, "round_trip_ms", "median"))
            #expect(abs(round - 10) <= 0.2, "round trip median \(round) ms")

            // Loss: every packet the reflector dropped is lost, in its direction.
            let droppedForward = try #require(Self.number(truth, "dropped_forward"))
            let droppedReverse = try #require(Self.number(truth, "dropped_reverse"))
            #expect(Self.number(truth, "received") == Double(count))
            #expect(Self.number(netmon, "lost") == droppedForward + droppedReverse)
            let forwardLost = try #require(Self.number(netmon, "forward", "lost"))
            let reverseLost = try #require(Self.number(netmon, "reverse", "lost"))
            let unattributed = try #require(Self.number(netmon, "unattributed_loss"))
            #expect(forwardLost <= droppedForward && droppedForward <= forwardLost + unattributed)
            #expect(reverseLost <= droppedReverse && droppedReverse <= reverseLost + unattributed)
            // And within sampling error (4 σ of a binomial) of the loss that was set.
            let forwardRatio = try #require(Self.number(netmon, "forward", "loss_ratio"))
            let reverseRatio = try #require(Self.number(netmon, "reverse", "loss_ratio"))
            #expect(abs(forwardRatio - 0.05) <= 4 * (0.05 * 0.95 / Double(count)).squareRoot(), "\(forwardRatio)")
            #expect(abs(reverseRatio - 0.10) <= 4 * (0.10 * 0.90 / 380).squareRoot(), "\(reverseRatio)")
            #expect(Self.number(netmon, "forward", "duplicates") == 0)
            #expect(Self.number(netmon, "reverse", "reordered") == 0)
            #expect(Self.number(netmon, "sender_ttl") == 64)
        }
    }

    @Test("a reflector that claims an unsynchronised clock: one-way delay withheld with the reason, round trip kept")
    func unsynchronisedReflector() async throws {
        try await withNamespacePair { pair in
            let (netmon, _, status) = try Self.measure(
                pair: pair, forwardDelay: 0.002, reverseDelay: 0.002, forwardLoss: 0, reverseLoss: 0,
                synchronised: false, count: 50)
            #expect(status == 0)
            for direction in ["forward", "reverse"] {
                let metrics = try #require(netmon[direction] as? [String: Any])
                #expect(metrics["delay_ms"] is NSNull)
                let reason = try #require(metrics["delay_withheld"] as? String)
                #expect(reason.contains("reflector reports an unsynchronised clock"), "\(reason)")
                #expect(Self.number(metrics, "pdv_ms") != nil)
                #expect(Self.number(metrics, "lost") == 0)
            }
            let round = try #require(Self.number(netmon, "round_trip_ms", "median"))
            #expect(abs(round - 4) <= 0.2, "round trip median \(round) ms")
        }
    }

    @Test(
        "no IPv6 in the kernel (socket(AF_INET6) fails): the default reflector says so and reflects on IPv4:862",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"),
            "needs strace to make the second socket() fail with EAFNOSUPPORT"))
    func defaultListenWithoutIPv6() async throws {
        try await withNamespacePair { pair in
            // strace's fault injection fails the second socket() call, the [::]:862 one, as a kernel booted with
            // ipv6.disable=1 would; the first (0.0.0.0:862) is untouched.
            let traced = [
                "/usr/bin/strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=socket", "-e",
                "inject=socket:error=EAFNOSUPPORT:when=2",
            ]
            let reflector = try pair.start(in: pair.target, traced + [NetmonBinary.path, "stamp", "reflect"])
            defer {
                // Stop netmon itself (strace's child), then strace: a killed tracer would leave its tracee running.
                let children =
                    (try? String(
                        contentsOfFile: "/proc/\(reflector.pid)/task/\(reflector.pid)/children", encoding: .utf8)) ?? ""
                for child in children.split(separator: " ").compactMap({ Int32($0) }) { kill(child, SIGTERM) }
                _ = reflector.waitForExit(timeout: 5)
                reflector.stop(grace: 0)
            }
            try reflector.waitForLine(startingWith: "ready")
            #expect(reflector.stdout.contains("ready 0.0.0.0:862 stateless"), "\(reflector.stdout)")
            #expect(reflector.stderr.contains("IPv6 is unavailable here"), "\(reflector.stderr)")
            let run = try pair.run(
                in: pair.source,
                [NetmonBinary.path, "stamp", NamespacePair.targetIPv4, "-c", "3", "-i", "10", "--json"],
                check: false)
            #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
            #expect(run.stdout.contains(#""received":3"#), "\(run.stdout)")

            // An address the operator named is never dropped: the same failure with --listen stops the reflector.
            let named = try pair.run(
                in: pair.target,
                traced + [NetmonBinary.path, "stamp", "reflect", "--listen", "127.0.0.1:0", "--listen", "[::1]:0"],
                check: false)
            #expect(named.status == 2)
            #expect(named.stderr.contains("Address family not supported"), "\(named.stderr)")
        }
    }

    @Test(
        "netmon's stateful reflector against an independent sender: 4 ms / 2 ms, counter shows forward loss exactly",
        arguments: [false, true])
    func reflectorAgainstIndependentSender(authenticated: Bool) async throws {
        try await withNamespacePair { pair in
            let keyHex = (0..<32).map { String(format: "%02x", ($0 * 37 + 11) & 0xFF) }.joined()
            let keyFile = NSTemporaryDirectory() + "netmon-stamp-\(getpid())-key"
            try keyHex.write(toFile: keyFile, atomically: true, encoding: .utf8)
            defer { unlink(keyFile) }
            var arguments = [
                NetmonBinary.path, "stamp", "reflect", "--listen", "\(NamespacePair.targetIPv4):\(Self.port)",
                "--stateful", "--clock-error", "1us",
            ]
            if authenticated { arguments += ["--key-file", keyFile] }
            let reflector = try pair.start(in: pair.target, arguments)
            defer { reflector.stop(grace: 0) }
            try reflector.waitForLine(startingWith: "ready")

            let script = try IndependentPeers.write(IndependentPeers.sender, name: "sender")
            defer { unlink(script) }
            let count = 300
            let run = try pair.run(
                in: pair.source,
                [
                    "chrt", "-f", "50", "python3", script, NamespacePair.targetIPv4, Self.port, "\(count)", "0.005",
                    "0.004", "0.002",
                    "0.05", "0.08", "3", "20", authenticated ? keyHex : "-",
                ])
            let result = try Self.lastJSON(run.stdout)
            #expect((result["problems"] as? [Any])?.isEmpty == true, "\(result["problems"] ?? "")")
            let forward = try #require(Self.number(result, "forward_median_ms"))
            let reverse = try #require(Self.number(result, "reverse_median_ms"))
            #expect(abs(forward - 4) <= 0.1, "forward median \(forward) ms")
            #expect(abs(reverse - 2) <= 0.1, "reverse median \(reverse) ms")
            // The reflector's own sequence: every packet it got, numbered in order, gaps exactly where the
            // sender skipped.
            #expect(result["numbering_matches"] as? Bool == true)
            #expect(Self.number(result, "counter_forward_lost") == Self.number(result, "skipped_in_window"))
            let skipped = try #require(Self.number(result, "skipped"))
            let answers = try #require(Self.number(result, "answers"))
            let droppedReverse = try #require(Self.number(result, "dropped_reverse"))
            #expect(skipped > 0 && droppedReverse > 0)
            #expect(answers + droppedReverse == Double(count) - skipped, "every packet that came was answered")
            #expect(result["ttls"] as? [Int] == [64])
        }
    }
}
