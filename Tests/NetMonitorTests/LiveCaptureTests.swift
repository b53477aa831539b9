import Foundation
import TestSupport
import Testing

/// `netmon capture` on a real veth between two test namespaces, with traffic of known shape running through it,
/// stopped with SIGINT: the final summary must account for exactly that traffic.
@Suite("Live capture")
struct LiveCaptureTests {
    static let hasSetpriv = FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

    static func jsonLines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    @Test(
        "veth between namespaces: TCP flows, pings through a 20 ms responder, clean stop on SIGINT",
        .enabled(if: Privileges.canCreateNamespaces, "\(Privileges.namespaceSkipReason)"),
        arguments: [[], ["--delivery-delay", "100"]])
    /// `delivery`: packets handed over one by one (immediate mode) or in batches at most 100 ms late.
    func veth(delivery: [String]) async throws {
        try await withNamespacePair { pair in
            let capture = try pair.start(
                in: pair.source,
                [
                    NetmonBinary.path, "capture", "-i", "v0", "--interval", "0.5", "--json", "--filter", "tcp or icmp",
                    "--site", "\(NamespacePair.targetIPv4)=target",
                ] + delivery)
            defer { capture.stop() }
            let deadline = Date().addingTimeInterval(10)
            while !capture.stderr.contains("capturing on") && Date() < deadline { usleep(10_000) }
            try #require(capture.stderr.contains("capturing on"), "netmon capture did not start: \(capture.stderr)")

            let responder = try pair.startResponder(delay: "20ms")
            defer { responder.stop() }
            let server = try pair.start(
                in: pair.target,
                [
                    "python3", "-u", "-c",
                    """
                    import socket
                    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind(("\(NamespacePair.targetIPv4)", 8080)); s.listen(16); print("ready", flush=True)
                    while True:
                        c, _ = s.accept()
                        with c:
                            while True:
                                d = c.recv(4096)
                                if not d: break
                                c.sendall(d * 4)
                    """,
                ])
            defer { server.stop() }
            try server.waitForLine(startingWith: "ready")

            // Known shape: 3 connections × 10 requests of 100 bytes, each answered with 400 bytes; 10 pings.
            try pair.run(
                in: pair.source,
                [
                    "python3", "-c",
                    """
                    import socket
                    for i in range(3):
                        c = socket.create_connection(("\(NamespacePair.targetIPv4)", 8080))
                        for j in range(10):
                            c.sendall(b"x" * 100); got = 0
                            while got < 400: got += len(c.recv(4096))
                        c.close()
                    """,
                ])
            try pair.run(in: pair.source, ["ping", "-n", "-q", "-c", "10", "-i", "0.05", NamespacePair.targetIPv4])
            usleep(700_000)
            kill(capture.pid, SIGINT)
            let status = capture.waitForExit(timeout: 10)
            #expect(status == 0, "exit status after SIGINT; stderr: \(capture.stderr)")

            let lines = Self.jsonLines(capture.stdout)
            #expect(lines.contains { $0["kind"] as? String == "interval" }, "interval summaries before the final one")
            let final = try #require(lines.last { $0["kind"] as? String == "final" }?["report"] as? [String: Any])
            #expect(final["malformed"] as? Int == 0)
            let drops = try #require(final["capture_drops_total"] as? [String: Any])
            #expect(drops["dropped"] as? Int == 0)

            let flows = (final["flows"] as? [[String: Any]] ?? []).filter { $0["server_port"] as? Int == 8080 }
            #expect(flows.count == 3)
            for flow in flows {
                #expect(flow["client"] as? String == NamespacePair.sourceIPv4)
                #expect(flow["server"] as? String == NamespacePair.targetIPv4)
                #expect(flow["roles_from_handshake"] as? Bool == true)
                #expect(flow["handshake_rtt_ms"] is Double)
                #expect(flow["retransmissions"] as? Int == 0)
                #expect(flow["duplicates"] as? Int == 0)
                #expect(flow["data_segments"] as? Int == 20)
                #expect(flow["rtt_method"] as? String == "timestamps")
                #expect((flow["server_rtt_ms"] as? [String: Any])?["samples"] as? Int ?? 0 > 0)
            }

            let pingers = (final["icmp"] as? [[String: Any]] ?? []).filter {
                $0["destination"] as? String == NamespacePair.targetIPv4
            }
            try #require(pingers.count == 1)
            #expect(pingers[0]["sent"] as? Int == 10)
            #expect(pingers[0]["received"] as? Int == 10)
            let rtt = try #require(pingers[0]["rtt_ms"] as? [String: Any])
            let median = try #require(rtt["median"] as? Double)
            #expect(median >= 20 && median < 35, "the responder adds 20 ms; median \(median)")

            let site = try #require((final["sites"] as? [[String: Any]])?.first { $0["site"] as? String == "target" })
            #expect(site["flows"] as? Int == 3)
            #expect(site["icmp_sent"] as? Int == 10)
        }
    }

    @Test(
        "without CAP_NET_RAW: a clear error and exit 4",
        .enabled(if: Privileges.isRoot && hasSetpriv, "needs root to drop capabilities with setpriv"))
    func withoutCapabilities() throws {
        let result = try Shell.run(
            ["setpriv", "--inh-caps=-all", "--bounding-set=-all", NetmonBinary.path, "capture", "-i", "lo"],
            check: false)
        #expect(result.status == 4)
        #expect(result.stderr.contains("CAP_NET_RAW"))
    }
}
