import Foundation
import TestSupport
import Testing

/// What `deploy/sandbox-check` needs: root, util-linux, openssl, curl, sqlite3, systemd-analyze (for the system call
/// groups), Debian's python3-seccomp, and a kernel with PR_SET_MDWE (6.3 or later).
enum SandboxCheck {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/sandbox-check").path

    static let available: Bool = {
        guard geteuid() == 0, NetmonBinary.built != nil else { return false }
        guard ["setpriv", "mount", "openssl", "curl", "sqlite3", "systemd-analyze"].allSatisfy(Shell.hasProgram) else {
            return false
        }
        let probe = try? Shell.run(
            [
                "/usr/bin/python3", "-c",
                "import ctypes, seccomp, sys; sys.exit(0 if ctypes.CDLL(None).prctl(66, 0, 0, 0, 0) >= 0 else 1)",
            ], check: false)
        return probe?.status == 0
    }()

    static let skipReason =
        "needs root, the netmon build, setpriv, openssl, curl, sqlite3, systemd-analyze, python3-seccomp and a kernel with "
        + "PR_SET_MDWE (6.3+)"
}

/// The server and the probe daemon in their units' sandboxes, as far as they can be reproduced without systemd
/// as PID 1 (`deploy/sandbox-check`: read-only system, private /tmp, a user of their own, the units' capabilities,
/// no new privileges, W^X, the units' system call filters and socket families, UMask). Everything on loopback.
@Suite(
    "the services in their units' sandboxes (deploy/sandbox-check)",
    .enabled(if: SandboxCheck.available, "\(SandboxCheck.skipReason)"))
struct SandboxTests {
    static let serveUID = 61_234
    static let probeUID = 61_235
    static let units = URL(fileURLWithPath: SandboxCheck.script).deletingLastPathComponent()

    /// The lines of /proc/PID/status as key → value.
    static func status(_ pid: Int32) -> [String: String] {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return [:] }
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { out[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return out
    }

    /// Polls `body` every 200 ms until it returns true or `seconds` pass.
    static func eventually(_ seconds: Double, _ body: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try body() { return true }
            usleep(200_000)
        }
        return false
    }

    @Test(
        "HTTPS, a root-only alert secret read as a credential, an upload spooled to the private /tmp, raw ICMP and capture on loopback, rounds forwarded, clean stops; files 0600, capabilities and filters as the units say"
    )
    func serverAndProbe() throws {
        let netmon = try #require(NetmonBinary.built)
        let gateway = URL(fileURLWithPath: netmon).deletingLastPathComponent().appendingPathComponent("netmon-gateway")
            .path
        let folder = makeTemporaryDirectory("sandbox")
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        for name in ["serve-state", "serve-cred", "probe-state", "probe-cred"] {
            try FileManager.default.createDirectory(atPath: path(name), withIntermediateDirectories: true)
        }
        // Two loopback targets, and passive capture on lo (libpcap's packet socket with CAP_NET_RAW).
        let sites = SitesFile.yaml(
            targets: [.init(name: "loop4", address: "127.0.0.1"), .init(name: "loop6", address: "\"::1\"")], step: "1s"
        )
        .replacingOccurrences(
            of: "    probe_id: probe-12345\n",
            with: "    probe_id: probe-12345\n    capture: { interface: lo, filter: \"icmp or icmp6 or tcp\" }\n")
        #expect(sites.contains("capture: { interface: lo"))
        // The webhook's secret file is root's alone, as in /etc/netmon: the server's own user reads systemd's copy
        // of it (LoadCredential=hook.secret:…, here --credentials), found by its name in $CREDENTIALS_DIRECTORY.
        try FileManager.default.createDirectory(atPath: path("etc-netmon"), withIntermediateDirectories: true)
        let hookSecret = "whsec_" + Data((0..<24).map { UInt8($0) }).base64EncodedString()
        try hookSecret.write(toFile: path("etc-netmon/hook.secret"), atomically: true, encoding: .utf8)
        try hookSecret.write(toFile: path("serve-cred/hook.secret"), atomically: true, encoding: .utf8)
        let sitesWithSecret = sites.replacingOccurrences(
            of: "webhook: { url: \"http://127.0.0.1:9/hook\" }",
            with: "webhook: { url: \"http://127.0.0.1:9/hook\", secret_file: \(path("etc-netmon/hook.secret")) }")
        #expect(sitesWithSecret != sites)
        try SitesFile.write(sitesWithSecret, to: URL(fileURLWithPath: path("sites.yaml")))
        try SelfSignedCertificate.write(certificate: path("serve-cred/tls.crt"), key: path("serve-cred/tls.key"))
        let admin = UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let probeToken = UUID().uuidString.replacingOccurrences(of: "-", with: "")
        try "admin sandbox \(admin)\nprobe probe-12345 \(probeToken)\n".write(
            toFile: path("serve-cred/tokens"), atomically: true, encoding: .utf8)
        try probeToken.write(toFile: path("probe-cred/token"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: path("serve-cred/tls.crt"), toPath: path("probe-cred/ca.pem"))
        try Shell.run(["chmod", "0755", folder.path])
        try Shell.run(["chmod", "-R", "go-rwx", path("etc-netmon")])
        try Shell.run(["chmod", "0644", path("sites.yaml")])
        try Shell.run(["chown", "-R", "\(Self.serveUID):\(Self.serveUID)", path("serve-state"), path("serve-cred")])
        try Shell.run(["chown", "-R", "\(Self.probeUID):\(Self.probeUID)", path("probe-state"), path("probe-cred")])
        try Shell.run(["chmod", "-R", "go-rwx", path("serve-state"), path("serve-cred"), path("probe-state")])
        try Shell.run(["chmod", "-R", "go-rwx", path("probe-cred")])

        let port = try freePort()
        let metricsPort = try freePort()
        let url = "https://127.0.0.1:\(port)"
        let serve = try ChildProcess([
            SandboxCheck.script, Self.units.appendingPathComponent("netmon-serve.service").path, "--uid",
            String(Self.serveUID), "--state", path("serve-state"), "--keep", netmon, "--keep", path("sites.yaml"),
            "--keep", path("etc-netmon"), "--credentials", path("serve-cred"), "--", netmon, "serve", "--config",
            path("sites.yaml"), "--database",
            "sqlite:" + path("serve-state/netmon.sqlite"), "--listen", "127.0.0.1:\(port)", "--tokens",
            path("serve-cred/tokens"), "--tls-cert", path("serve-cred/tls.crt"), "--tls-key",
            path("serve-cred/tls.key"),
        ])
        defer { serve.stop() }
        let up = try Self.eventually(60) {
            if serve.waitForExit(timeout: 0) != nil { return true }  // exited: no use waiting
            return try Shell.run(["curl", "-skf", "--max-time", "2", url + "/healthz"], check: false).status == 0
        }
        try #require(
            up && serve.waitForExit(timeout: 0) == nil, "the server did not answer in its sandbox: \(serve.stderr)")

        // A report upload: spooled to the private /tmp, stored in the state folder.
        let csv =
            "time,lat,lon,technology,operator,rsrp_dbm\n2026-01-05T08:00:00+07:00,20.85,106.09,4G,452-02,-91\n"
            + "2026-01-05T08:00:01+07:00,20.86,106.10,4G,452-02,-95\n"
        try csv.write(toFile: path("upload.csv"), atomically: true, encoding: .utf8)
        let upload = try Shell.run([
            "curl", "-sk", "--max-time", "30", "-H", "Authorization: Bearer \(admin)", "-H", "Content-Type: text/csv",
            "--data-binary", "@" + path("upload.csv"), url + "/api/v1/reports?format=csv",
        ])
        #expect(upload.stdout.contains("\"accepted\":2"), "\(upload.stdout)\n\(serve.stderr)")

        let probe = try ChildProcess([
            SandboxCheck.script, Self.units.appendingPathComponent("netmon-probe.service").path, "--uid",
            String(Self.probeUID), "--state", path("probe-state"), "--keep", gateway, "--keep", path("sites.yaml"),
            "--keep", path("probe-cred"), "--", gateway, "probe", "--config", path("sites.yaml"), "--site", "12345",
            "--database", path("probe-state/netmon-probe.sqlite"), "--server", url, "--token-file",
            path("probe-cred/token"), "--ca-file", path("probe-cred/ca.pem"), "--metrics", "127.0.0.1:\(metricsPort)",
        ])
        defer { probe.stop() }
        let forwarded = try Self.eventually(60) {
            let probes = try Shell.run(
                ["curl", "-sk", "--max-time", "2", "-H", "Authorization: Bearer \(admin)", url + "/api/v1/probes"],
                check: false)
            guard let document = try? JSONSerialization.jsonObject(with: Data(probes.stdout.utf8)) as? [String: Any],
                let list = document["probes"] as? [[String: Any]], let accepted = list.first?["rounds_accepted"] as? Int
            else { return false }
            return accepted >= 2
        }
        #expect(forwarded, "no rounds forwarded from the sandboxed probe: \(probe.stderr)")
        // The capture's passive rounds are made at the end of a step, which may come after the first active rounds
        // were forwarded: wait for one before stopping (the store is read beside the daemon, as WAL allows).
        func passiveRounds() -> Int {
            let output = try? Shell.run(
                [
                    "sqlite3", "-readonly", path("probe-state/netmon-probe.sqlite"),
                    "SELECT count(*) FROM round WHERE kind = 'passive'",
                ], check: false)
            return Int((output?.stdout ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        #expect(Self.eventually(60) { passiveRounds() > 0 }, "no passive rounds while the probe ran: \(probe.stderr)")
        let metrics = try Shell.run(["curl", "-s", "--max-time", "2", "http://127.0.0.1:\(metricsPort)/metrics"])
        let received = metrics.stdout.split(separator: "\n").first {
            $0.hasPrefix("netmon_probe_packets_received_total{commune=\"12345\",target=\"loop4\"}")
        }
        #expect(received.map { !$0.hasSuffix(" 0") } == true, "raw ICMP echo got no reply: \(metrics.stdout)")

        // Identity, capabilities and filters, as the kernel reports them.
        let serveStatus = Self.status(serve.pid)
        #expect(serveStatus["Uid"]?.hasPrefix("\(Self.serveUID)\t") == true, "\(serveStatus)")
        #expect(serveStatus["CapEff"] == "0000000000000000" && serveStatus["CapBnd"] == "0000000000000000")
        #expect(serveStatus["NoNewPrivs"] == "1" && serveStatus["Seccomp"] == "2", "\(serveStatus)")
        let probeStatus = Self.status(probe.pid)
        #expect(probeStatus["Uid"]?.hasPrefix("\(Self.probeUID)\t") == true, "\(probeStatus)")
        for key in ["CapEff", "CapBnd", "CapAmb"] {
            #expect(probeStatus[key] == "0000000000002000", "\(key): only CAP_NET_RAW, got \(probeStatus)")
        }
        #expect(probeStatus["NoNewPrivs"] == "1" && probeStatus["Seccomp"] == "2", "\(probeStatus)")

        // Graceful stops, then what they left: owned by their users, readable by them only (UMask=0077).
        kill(probe.pid, SIGTERM)
        #expect(probe.waitForExit(timeout: 60) == 0, "\(probe.stderr)")
        kill(serve.pid, SIGTERM)
        #expect(serve.waitForExit(timeout: 60) == 0, "\(serve.stderr)")
        let passive = try Shell.run([
            "sqlite3", path("probe-state/netmon-probe.sqlite"), "SELECT count(*) FROM round WHERE kind = 'passive'",
        ])
        #expect((Int(passive.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0, "no passive rounds")
        for (state, uid) in [(path("serve-state"), Self.serveUID), (path("probe-state"), Self.probeUID)] {
            let files = try FileManager.default.contentsOfDirectory(atPath: state)
            #expect(files.contains { $0.hasSuffix(".sqlite") }, "\(state): \(files)")
            for file in files {
                let attributes = try FileManager.default.attributesOfItem(atPath: state + "/" + file)
                let mode = (attributes[.posixPermissions] as? Int) ?? -1
                #expect(mode & 0o077 == 0, "\(file) has mode \(String(mode, radix: 8))")
                #expect((attributes[.ownerAccountID] as? Int) == uid, "\(file) owner")
            }
        }
    }
}
