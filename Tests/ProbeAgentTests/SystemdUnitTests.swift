import Foundation
import TestSupport
import Testing

@Suite("deploy/netmon-probe.service")
struct SystemdUnitTests {
    static let unitPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/netmon-probe.service").path

    @Test("the unit runs unprivileged with CAP_NET_RAW only, restarts on failure, keeps state and reloads on SIGHUP")
    func settings() throws {
        let text = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
        let lines = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        for expected in [
            "DynamicUser=yes", "AmbientCapabilities=CAP_NET_RAW", "CapabilityBoundingSet=CAP_NET_RAW",
            "Restart=on-failure", "StateDirectory=netmon-probe", "ExecReload=/bin/kill -HUP $MAINPID",
            "KillSignal=SIGTERM", "NoNewPrivileges=yes",
        ] {
            #expect(lines.contains(expected), "missing \(expected)")
        }
        #expect(!lines.contains { $0.hasPrefix("User=root") })
    }

    @Test(
        "systemd-analyze verify accepts the unit",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"),
            "systemd-analyze is not installed"),
        .enabled(if: NetmonBinary.path != nil, "the netmon executable is not built"))
    func verify() throws {
        let directory = makeTemporaryDirectory()
        let unit = directory.appendingPathComponent("netmon-probe.service")
        let text = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/netmon", with: NetmonBinary.path!)
        try text.write(to: unit, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = ["verify", "--man=no", unit.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let report = String(decoding: output.fileHandleForReading.readToEndRetryingInterrupts(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(report)")
        #expect(!report.contains("netmon-probe.service:"), "\(report)")
    }
}
