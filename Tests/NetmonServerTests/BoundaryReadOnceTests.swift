import Foundation
import TestSupport
import Testing

/// `netmon serve` reads the boundaries file once: sites.yaml's cross-check of its communes and the map layers
/// share one reading (CoverageModel's reader). Counted with strace on the real binary.
@Suite(
    "netmon serve reads the boundaries file once",
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: NetmonBinary.path)
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"),
        "needs the built netmon binary and strace"))
struct BoundaryReadOnceTests {
    @Test func oneOpenOfTheBoundariesFile() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = directory.appendingPathComponent("trace.txt").path
        let server = try ChildProcess(
            [
                "/usr/bin/strace", "-f", "-e", "trace=open,openat", "-o", trace, NetmonBinary.path, "serve",
                "--config", Fixture.repoRoot.appendingPathComponent("sites.yaml").path, "--database",
                "sqlite:" + directory.appendingPathComponent("p.sqlite").path, "--listen", "127.0.0.1:0",
                "--no-alerts",
            ], log: directory.appendingPathComponent("serve.log").path)
        let listening = await server.waitForOutput(timeout: .seconds(120)) { $0.contains("listening on") }
        // Stop netmon serve itself (the first process of the trace), not strace: strace would detach and leave
        // the server running. strace exits with its tracee.
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
        if let first = lines.first, let pid = Int32(first.prefix { $0.isNumber }) { kill(pid, SIGTERM) }
        let exited = await server.waitForExit(timeout: .seconds(30))
        server.stop(grace: 0)
        #expect(exited != nil, "netmon serve did not stop on SIGTERM")
        try #require(listening, "netmon serve did not start: \(server.log.suffix(2000))")
        let opens = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("hungyen_communes_2025.geojson") && !$0.contains("ENOENT") }
        #expect(opens.count == 1, "\(opens.joined(separator: "\n"))")
    }
}
