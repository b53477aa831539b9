import Foundation
import TestSupport
import Testing

/// `netmon serve` over HTTPS with a certificate file, fetched by a client that trusts exactly that certificate.
@Suite(
    "netmon serve over TLS",
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: NetmonBinary.path)
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"),
        "needs the built netmon binary, openssl and curl"))
struct TLSServeTests {
    @Test(
        "a self-signed certificate: /healthz over HTTPS with curl --cacert, TLS 1.2 and 1.3 only; refused without trust or over plain HTTP"
    )
    func healthzOverHTTPS() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cert = dir.appendingPathComponent("cert.pem").path
        let key = dir.appendingPathComponent("key.pem").path
        try await offPool { try SelfSignedCertificate.write(certificate: cert, key: key) }

        let log = dir.appendingPathComponent("serve.log").path
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: NetmonBinary.path)
        process.arguments = [
            "serve", "--config", Fixture.repoRoot.appendingPathComponent("sites.yaml").path,
            "--database", "sqlite:" + dir.appendingPathComponent("p.sqlite").path, "--listen", "127.0.0.1:0",
            "--tls-cert", cert, "--tls-key", key, "--no-alerts",
        ]
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }

        // Wait (asynchronously; generously, the machine may be busy) for a line that names the port: HummingbirdCore's
        // "listening on 127.0.0.1:PORT" or netmon's own. Whether it is HTTPS is for curl to find out below.
        func listeningPort() -> Int? {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            guard let line = text.split(separator: "\n").first(where: { $0.contains("listening on 127.0.0.1:") }),
                let range = line.range(of: "listening on 127.0.0.1:")
            else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        var port = listeningPort()
        let deadline = ContinuousClock.now + .seconds(120)
        while port == nil, ContinuousClock.now < deadline, process.isRunning {
            try await Task.sleep(for: .milliseconds(100))
            port = listeningPort()
        }
        let p = try #require(
            port ?? listeningPort(),
            "netmon serve did not say where it listens (running: \(process.isRunning)): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")"
        )

        let trusted = try await offPool {
            Spawn.run(["/usr/bin/curl", "-sS", "--max-time", "10", "--cacert", cert, "https://127.0.0.1:\(p)/healthz"])
        }
        #expect(trusted.status == 0, "\(trusted.output)")
        #expect(trusted.output.contains("\"status\":\"ok\""), "\(trusted.output)")
        let byName = try await offPool {
            Spawn.run([
                "/usr/bin/curl", "-sS", "--max-time", "10", "--cacert", cert, "--resolve", "localhost:\(p):127.0.0.1",
                "https://localhost:\(p)/healthz",
            ])
        }
        #expect(byName.status == 0, "\(byName.output)")
        // TLS 1.2 and 1.3 are served; 1.1 (and older) is refused by the server, even to a client that offers it
        // (SECLEVEL=0 lets this client's OpenSSL speak 1.1 at all).
        for (version, accepted) in [("1.1", false), ("1.2", true), ("1.3", true)] {
            let forced = try await offPool {
                Spawn.run([
                    "/usr/bin/curl", "-sS", "--max-time", "10", "--cacert", cert, "--tlsv\(version)", "--tls-max",
                    version, "--ciphers", "DEFAULT@SECLEVEL=0", "https://127.0.0.1:\(p)/healthz",
                ])
            }
            if accepted {
                #expect(
                    forced.status == 0 && forced.output.contains("\"status\":\"ok\""),
                    "TLS \(version): \(forced.output)")
            } else {
                #expect(forced.status != 0 && !forced.output.contains("\"status\""), "TLS \(version): \(forced.output)")
            }
        }
        // Without trusting the certificate, verification fails (curl exit 60); plain HTTP gets no answer.
        let untrusted = try await offPool {
            Spawn.run(["/usr/bin/curl", "-sS", "--max-time", "10", "https://127.0.0.1:\(p)/healthz"])
        }
        #expect(untrusted.status == 60, "\(untrusted.output)")
        let plain = try await offPool {
            Spawn.run(["/usr/bin/curl", "-sS", "--max-time", "10", "http://127.0.0.1:\(p)/healthz"])
        }
        #expect(plain.status != 0 || !plain.output.contains("\"status\":\"ok\""), "\(plain.output)")

        process.terminate()
        let status = try await offPool {
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(status == 0, "netmon serve exit on SIGTERM")
    }
}
