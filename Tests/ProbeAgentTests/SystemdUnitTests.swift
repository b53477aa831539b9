import Foundation
import TestSupport
import Testing

/// The systemd units in deploy/: their settings, `systemd-analyze verify`, and the `systemd-analyze security`
/// exposure level each must stay under (RELIABILITY.md, "Least privilege", records the measured values).
@Suite("deploy/*.service")
struct SystemdUnitTests {
    /// One unit file and the highest exposure level it may reach.
    struct Unit: Sendable, CustomTestStringConvertible {
        var name: String
        var maximumExposure: Double
        var testDescription: String { self.name }

        var path: String {
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("deploy/\(self.name)").path
        }
    }

    static let probe = Unit(name: "netmon-probe.service", maximumExposure: 2.0)
    static let serve = Unit(name: "netmon-serve.service", maximumExposure: 1.5)
    static let stampReflect = Unit(name: "netmon-stamp-reflect.service", maximumExposure: 1.5)
    static let analyze = "/usr/bin/systemd-analyze"
    static let hasAnalyze = FileManager.default.isExecutableFile(atPath: analyze)

    /// The settings of the sandbox that both units share.
    static let sandbox = [
        "DynamicUser=yes", "NoNewPrivileges=yes", "UMask=0077", "ProtectSystem=strict", "ProtectHome=yes",
        "PrivateTmp=yes", "PrivateDevices=yes", "ProtectClock=yes", "ProtectKernelLogs=yes",
        "ProtectKernelModules=yes", "ProtectKernelTunables=yes", "ProtectControlGroups=yes", "ProtectHostname=yes",
        "ProtectProc=invisible", "RestrictRealtime=yes", "RestrictNamespaces=yes", "LockPersonality=yes",
        "MemoryDenyWriteExecute=yes", "SystemCallFilter=@system-service", "SystemCallArchitectures=native",
        "RestrictSUIDSGID=yes",
    ]

    static func lines(_ unit: Unit) throws -> Set<String> {
        let text = try String(contentsOfFile: unit.path, encoding: .utf8)
        return Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    @Test("the probe runs unprivileged with CAP_NET_RAW only, restarts on failure, keeps state and reloads on SIGHUP")
    func probeSettings() throws {
        let lines = try Self.lines(Self.probe)
        for expected in Self.sandbox + [
            "AmbientCapabilities=CAP_NET_RAW", "CapabilityBoundingSet=CAP_NET_RAW", "Restart=on-failure",
            "StateDirectory=netmon-probe", "ExecReload=/bin/kill -HUP $MAINPID", "KillSignal=SIGTERM",
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK AF_PACKET",
        ] {
            #expect(lines.contains(expected), "missing \(expected)")
        }
        #expect(!lines.contains { $0.hasPrefix("User=root") })
        #expect(!lines.contains("PrivateUsers=yes"), "CAP_NET_RAW does not count inside a user namespace of its own")
    }

    @Test("the server runs with no capabilities at all, its state in /var/lib/netmon-serve, secrets as credentials")
    func serveSettings() throws {
        let lines = try Self.lines(Self.serve)
        for expected in Self.sandbox + [
            "CapabilityBoundingSet=", "AmbientCapabilities=", "PrivateUsers=yes", "StateDirectory=netmon-serve",
            "Restart=on-failure", "KillSignal=SIGTERM", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
            "LoadCredential=tokens:/etc/netmon/serve.tokens", "LoadCredential=tls.key:/etc/netmon/tls/server.key",
        ] {
            #expect(lines.contains(expected), "missing \(expected)")
        }
        #expect(!lines.contains { $0.hasPrefix("User=root") })
        let start = try String(contentsOfFile: Self.serve.path, encoding: .utf8)
        #expect(start.contains("--database sqlite:%S/netmon-serve/netmon.sqlite"))
        #expect(start.contains("--tokens %d/tokens --tls-cert %d/tls.crt --tls-key %d/tls.key"))
    }

    @Test("the STAMP reflector binds port 862 with CAP_NET_BIND_SERVICE only and may read, not set, the clock state")
    func stampReflectSettings() throws {
        let lines = try Self.lines(Self.stampReflect)
        for expected in Self.sandbox.filter({ $0 != "ProtectClock=yes" && !$0.hasPrefix("SystemCallFilter=") }) + [
            "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
            "Restart=on-failure", "KillSignal=SIGTERM", "RestrictAddressFamilies=AF_INET AF_INET6",
            "SystemCallFilter=@system-service adjtimex", "ExecStart=/usr/local/bin/netmon stamp reflect --stateful",
        ] {
            #expect(lines.contains(expected), "missing \(expected)")
        }
        #expect(!lines.contains { !$0.hasPrefix("#") && ($0.hasPrefix("User=root") || $0.contains("CAP_SYS_TIME")) })
        #expect(
            !lines.contains("PrivateUsers=yes"), "CAP_NET_BIND_SERVICE does not count in a user namespace of its own")
        #expect(!lines.contains("ProtectClock=yes"), "it forbids the read-only adjtimex of the Error Estimate")
    }

    /// The unit with its executable pointed at the built binary (verify checks that ExecStart exists), in a
    /// temporary folder the caller removes.
    static func installed(_ unit: Unit, binary: String) throws -> (folder: URL, file: URL) {
        let folder = makeTemporaryDirectory("unit-\(unit.name)")
        let file = folder.appendingPathComponent(unit.name)
        let text = try String(contentsOfFile: unit.path, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/netmon", with: binary)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (folder, file)
    }

    @Test(
        "systemd-analyze verify accepts the unit without a warning",
        .enabled(
            if: SystemdUnitTests.hasAnalyze,
            "systemd-analyze is not installed (Debian package systemd; scripts/setup installs it)"),
        .enabled(if: NetmonBinary.built != nil, "the netmon executable is not built"),
        arguments: [SystemdUnitTests.probe, SystemdUnitTests.serve, SystemdUnitTests.stampReflect])
    func verify(unit: Unit) throws {
        let binary = try #require(NetmonBinary.built)
        let (folder, file) = try Self.installed(unit, binary: binary)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Shell.run([Self.analyze, "verify", "--man=no", file.path], check: false)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let report = (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(report.isEmpty, "systemd-analyze verify warned:\n\(report)")
    }

    @Test(
        "systemd-analyze security rates the unit's exposure at most its bound",
        .enabled(
            if: SystemdUnitTests.hasAnalyze,
            "systemd-analyze is not installed (Debian package systemd; scripts/setup installs it)"),
        .enabled(if: NetmonBinary.built != nil, "the netmon executable is not built"),
        arguments: [SystemdUnitTests.probe, SystemdUnitTests.serve, SystemdUnitTests.stampReflect])
    func exposure(unit: Unit) throws {
        let binary = try #require(NetmonBinary.built)
        let (folder, file) = try Self.installed(unit, binary: binary)
        defer { try? FileManager.default.removeItem(at: folder) }
        // --offline: the unit file alone, no running systemd needed (systemd 252 and later).
        let result = try Shell.run(
            [Self.analyze, "security", "--offline=true", "--no-pager", file.path], check: false)
        let marker = "Overall exposure level for \(unit.name): "
        let line = result.stdout.split(separator: "\n").first { $0.contains(marker) }
        let field = line.flatMap { $0.components(separatedBy: marker).last?.split(separator: " ").first }
        let exposure = try #require(field.flatMap { Double($0) }, "no exposure level in:\n\(result.stdout)")
        print("systemd-analyze security: \(unit.name) exposure \(exposure) (bound \(unit.maximumExposure))")
        #expect(exposure <= unit.maximumExposure, "\(unit.name): exposure \(exposure)\n\(result.stdout)")
        #expect(exposure >= 0.5, "an exposure this low means the analysis did not read the unit: \(result.stdout)")
    }
}
