import Foundation
import TestSupport
import Testing

/// `netmon analyze` as a user runs it: the built binary, its JSON shape and its exit codes.
@Suite("netmon analyze (the command)")
struct AnalyzeCommandTests {
    static let binary = CaptureFixtures.packageRoot.appendingPathComponent(".build/debug/netmon").path
    static var hasBinary: Bool { FileManager.default.isExecutableFile(atPath: Self.binary) }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readToEndRetryingInterrupts()
        let stderr = String(decoding: err.fileHandleForReading.readToEndRetryingInterrupts(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    @Test(
        "--json has the documented shape, with null RTT objects",
        .enabled(if: hasBinary, "needs the debug build of netmon (swift build)"))
    func jsonShape() throws {
        let path = CaptureFixtures.temporaryPath("netmon-cli", extension: "pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // One flow whose client never answers data (no client-side samples), one pinger.
        try SyntheticCapture(
            flows: [
                SyntheticTCPFlow(
                    client: "192.0.2.1", clientPort: 40_000, server: "192.0.2.2", serverPort: 80, clientSideRTT: 1,
                    serverSideRTT: 20, exchanges: 2)
            ],
            pingers: [SyntheticPinger(source: "192.0.2.1", destination: "192.0.2.3", identifier: 7, count: 3, rtt: 5)]
        ).write(to: path)
        let (status, stdout, _) = try Self.run(["analyze", "--json", "--site", "192.0.2.2=web", path])
        #expect(status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        for key in ["packets", "malformed", "flows", "icmp", "sites"] { #expect(object[key] != nil, "missing \(key)") }
        let flow = try #require((object["flows"] as? [[String: Any]])?.first)
        for key in [
            "client", "client_port", "server", "server_port", "packets", "handshake_rtt_ms", "server_rtt_ms",
            "client_rtt_ms", "retransmissions",
        ] {
            #expect(flow.keys.contains(key), "flow lacks \(key)")
        }
        let server = try #require(flow["server_rtt_ms"] as? [String: Any])
        #expect(Set(server.keys) == ["samples", "min", "median", "p95"])
        let pinger = try #require((object["icmp"] as? [[String: Any]])?.first)
        for key in ["source", "destination", "identifier", "sent", "received", "rtt_ms"] {
            #expect(pinger.keys.contains(key))
        }
        let site = try #require((object["sites"] as? [[String: Any]])?.first)
        #expect(site["site"] as? String == "web")
        #expect(site["icmp_rtt_ms"] is NSNull, "an RTT object without samples is null")
    }

    @Test(
        "a truncated file: the report of what was read, then an error and exit 3",
        .enabled(if: hasBinary, "needs the debug build of netmon (swift build)"),
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"))
    func truncated() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: CaptureFixtures.pcap("zeek-tcp-ssh-dups.pcap")))
        let path = CaptureFixtures.temporaryPath("netmon-cli-cut", extension: "pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try original.prefix(original.count - 30).write(to: URL(fileURLWithPath: path))
        let (status, stdout, stderr) = try Self.run(["analyze", "--json", path])
        #expect(status == 3)
        let object = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        #expect(object["packets"] as? Int == 376)
        #expect(stderr.contains("packet 377"))
        #expect(stderr.contains("corrupt or cut short"))
        let missing = try Self.run(["analyze", path + ".nope"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read it"))
    }
}
