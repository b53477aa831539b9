import Foundation
import TestSupport
import Testing

/// `netmon-gateway`, the gateway build: the gateway subcommands only, each behaving exactly as under `netmon`.
@Suite(
    "netmon-gateway (the gateway build)",
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: NetmonBinary.gatewayPath)
            && FileManager.default.isExecutableFile(atPath: NetmonBinary.path),
        "needs both executables built (swift build --build-tests)"))
struct GatewayBinaryTests {
    @Test("--help lists the gateway subcommands and none of the province's")
    func help() throws {
        let output = try Shell.run([NetmonBinary.gatewayPath, "--help"])
        for name in ["check", "ping", "probe", "capture", "analyze", "signal"] {
            #expect(output.stdout.contains("\n  \(name) "), "\(name) missing from:\n\(output.stdout)")
        }
        for name in ["serve", "coverage", "alerts", "lab", "demo"] {
            #expect(!output.stdout.contains("\n  \(name) "), "\(name) listed in:\n\(output.stdout)")
        }
        let unknown = try Shell.run([NetmonBinary.gatewayPath, "serve"], check: false)
        #expect(unknown.status != 0)
    }

    @Test("--version prints NetmonVersion.current, the same for both executables")
    func version() throws {
        let source = try String(
            contentsOf: CaptureFixtures.packageRoot.appendingPathComponent(
                "Sources/NetmonProtocol/NetmonVersion.swift"),
            encoding: .utf8)
        let current = try #require(source.firstMatch(of: /current = "([^"]+)"/)).output.1
        let gateway = try Shell.run([NetmonBinary.gatewayPath, "--version"])
        let full = try Shell.run([NetmonBinary.path, "--version"])
        #expect(gateway.stdout == "\(current)\n")
        #expect(full.stdout == gateway.stdout)
    }

    @Test("check gives the same verdict, output and exit status as netmon check", arguments: ["sites.yaml", "broken"])
    func checkMatches(which: String) throws {
        let path: String
        if which == "sites.yaml" {
            path = CaptureFixtures.packageRoot.appendingPathComponent("sites.yaml").path
        } else {
            path = CaptureFixtures.temporaryPath("gateway-check", extension: "yaml")
            try "province:\n  name: [unclosed\n".write(toFile: path, atomically: true, encoding: .utf8)
        }
        defer { if which != "sites.yaml" { try? FileManager.default.removeItem(atPath: path) } }
        let full = try Shell.run([NetmonBinary.path, "check", path], check: false)
        let gateway = try Shell.run([NetmonBinary.gatewayPath, "check", path], check: false)
        #expect(gateway.status == full.status)
        #expect(gateway.status == (which == "sites.yaml" ? 0 : 1) || gateway.status == 2)
        #expect(gateway.stdout == full.stdout)
        #expect(gateway.stderr == full.stderr)
    }

    @Test(
        "analyze of a real capture is byte-identical to netmon analyze",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"))
    func analyzeMatches() throws {
        let capture = CaptureFixtures.pcap("zeek-http-m57-long-49583-80.pcap")
        try #require(FileManager.default.fileExists(atPath: capture), "missing \(capture)")
        let full = try Shell.run([NetmonBinary.path, "analyze", "--json", capture])
        let gateway = try Shell.run([NetmonBinary.gatewayPath, "analyze", "--json", capture])
        #expect(!gateway.stdout.isEmpty)
        #expect(gateway.stdout == full.stdout)
    }

    @Test(
        "ping on loopback: the documented JSON, and exit 2 on a usage error as under netmon",
        .enabled(if: Privileges.canOpenICMPSockets, "\(Privileges.icmpSkipReason)"))
    func ping() throws {
        let output = try Shell.run([NetmonBinary.gatewayPath, "ping", "--json", "-c", "3", "-p", "10", "127.0.0.1"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let targets = try #require(document["targets"] as? [[String: Any]])
        #expect(targets.count == 1)
        #expect(targets.first?["sent"] as? Int == 3)
        #expect(targets.first?["received"] as? Int == 3)
        let usage = try Shell.run([NetmonBinary.gatewayPath, "ping", "-c", "0", "127.0.0.1"], check: false)
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--count"))
    }
}
