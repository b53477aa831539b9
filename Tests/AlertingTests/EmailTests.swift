import Foundation
import TestSupport
import Testing

@testable import Alerting

let smtpServerScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Support/smtp_server.py").path

func hasAiosmtpd() -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import aiosmtpd"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
}

/// A real SMTP server (aiosmtpd) with a self-signed certificate made by `openssl req`.
struct SMTPTestServer {
    let process: ChildProcess
    let port: Int
    let directory: URL
    var certificate: String { self.directory.appendingPathComponent("cert.pem").path }
    var outbox: URL { self.directory.appendingPathComponent("out") }

    static func start(directory: URL, extra: [String] = []) async throws -> SMTPTestServer {
        try SelfSignedCertificate.write(in: directory)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("out"), withIntermediateDirectories: true)
        for _ in 0..<5 {
            let port = try freePort()
            let process = try ChildProcess(
                [
                    "python3", smtpServerScript, "--port", String(port), "--cert",
                    directory.appendingPathComponent("cert.pem").path, "--key",
                    directory.appendingPathComponent("key.pem").path, "--outdir",
                    directory.appendingPathComponent("out").path,
                ] + extra, log: directory.appendingPathComponent("smtp-\(port).log").path)
            if await process.waitForOutput(timeout: .seconds(20), { $0.contains("READY") }) {
                return SMTPTestServer(process: process, port: port, directory: directory)
            }
            process.stop(grace: 0)
        }
        throw DeliveryError(code: .connectionFailed, message: "the SMTP test server did not start")
    }

    /// The JSON summaries of received messages, in order.
    func received() throws -> [[String: Any]] {
        var result: [[String: Any]] = []
        var index = 1
        while let data = FileManager.default.contents(atPath: self.outbox.appendingPathComponent("\(index).json").path)
        {
            result.append(try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:])
            index += 1
        }
        return result
    }

    func raw(_ index: Int) -> [UInt8] {
        Array(FileManager.default.contents(atPath: self.outbox.appendingPathComponent("\(index).eml").path) ?? Data())
    }
}

func vietnameseNotification() -> AlertNotification {
    let alert = Alert(
        labels: [
            "alertname": "LinkLoss", "commune": "12345", "commune_name": "Xã Nam Tiền Hải", "severity": "critical",
            "target": "portal",
        ],
        annotations: ["summary": "Mất gói 25% từ Xã Nam Tiền Hải đến cổng dịch vụ <portal> & họp trực tuyến"],
        startsAt: epoch)
    return AlertNotification(
        id: "msg_email0001", receiver: "noc-email", groupKey: "k",
        groupLabels: ["alertname": "LinkLoss", "commune": "12345"], alerts: [alert], createdAt: epoch)
}

@Suite("Email: MIME encoding, SMTP with STARTTLS / implicit TLS and AUTH against aiosmtpd, sendmail")
struct EmailTests {
    @Test("RFC 2047 encoded-words: ≤ 75 characters, whole UTF-8 sequences, decodes back")
    func encodedWords() {
        let subject = "[FIRING:1] LinkLoss Xã Nam Tiền Hải — Phường Hồng Châu, Thị xã Mỹ Hào, tỉnh Hưng Yên"
        let encoded = MIMEEncoding.encodedWords(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        var decoded: [UInt8] = []
        for word in words {
            #expect(word.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let payload = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))!
            #expect(String(data: payload, encoding: .utf8) != nil)  // no split sequence
            decoded += payload
        }
        #expect(String(decoding: decoded, as: UTF8.self) == subject)
        #expect(MIMEEncoding.encodedWords("plain ASCII") == "plain ASCII")
    }

    @Test("quoted-printable and dot-stuffing")
    func quotedPrintable() {
        #expect(MIMEEncoding.quotedPrintable("Xã = 1") == "X=C3=A3 =3D 1\r\n")
        let long = String(repeating: "a", count: 200)
        #expect(MIMEEncoding.quotedPrintable(long).components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(MIMEEncoding.quotedPrintable("trailing \nx") == "trailing=20\r\nx\r\n")
        #expect(MIMEEncoding.dotStuffed(".a\r\n.b\r\nc") == "..a\r\n..b\r\nc")
    }

    @Test(
        "STARTTLS + AUTH PLAIN: what arrives is multipart/alternative with the Vietnamese subject intact",
        .enabled(if: hasAiosmtpd(), "needs python3 with aiosmtpd and openssl"))
    func startTLSPlain() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-smtp")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await SMTPTestServer.start(directory: directory)
        defer { server.process.stop(grace: 0) }
        let smtp = SMTPConfiguration(
            smarthost: "localhost:\(server.port)", username: "netmon", password: "s3cret",
            caFile: server.certificate)
        let sender = try EmailSender(
            from: "netmon <netmon@hungyen.gov.vn>", to: ["noc@hungyen.gov.vn", "truc-ban@hungyen.gov.vn"], smtp: smtp,
            now: { epoch })
        let notification = vietnameseNotification()
        try await sender.send(notification, timeout: 10)
        let received = try server.received()
        #expect(received.count == 1)
        let info = try #require(received.first)
        #expect(info["tls"] as? Bool == true)
        #expect(info["authenticated"] as? Bool == true)
        #expect(info["mechanism"] as? String == "PLAIN")
        #expect(info["mail_from"] as? String == "netmon@hungyen.gov.vn")
        #expect(info["rcpt_tos"] as? [String] == ["noc@hungyen.gov.vn", "truc-ban@hungyen.gov.vn"])
        #expect(info["subject"] as? String == "[FIRING:1] LinkLoss Xã Nam Tiền Hải")
        #expect(info["date"] as? String == "Thu, 01 Jan 2026 00:00:00 +0000")
        #expect(info["message_id"] as? String == "<msg_email0001@hungyen.gov.vn>")
        #expect(info["content_type"] as? String == "multipart/alternative")
        let parts = try #require(info["parts"] as? [String: String])
        #expect(parts["text/plain"]?.contains("Mất gói 25% từ Xã Nam Tiền Hải") == true)
        #expect(parts["text/html"]?.contains("cổng dịch vụ &lt;portal&gt; &amp; họp") == true)
        // Byte for byte: the raw message is what netmon rendered (after SMTP transparency is undone).
        let expected = Array(sender.message(for: notification).rendered().utf8)
        #expect(server.raw(1) == expected)
        #expect(server.raw(1).allSatisfy { $0 < 0x80 })  // 7-bit clean on the wire
    }

    @Test(
        "AUTH LOGIN when PLAIN is not offered; quoted-printable bodies",
        .enabled(if: hasAiosmtpd(), "needs python3 with aiosmtpd and openssl"))
    func login() async throws {
        // aiosmtpd offers both; our client prefers PLAIN. Exercise LOGIN through the session directly by
        // checking a server that excludes PLAIN.
        let directory = makeTemporaryDirectory("netmon-alerting-smtp-login")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await SMTPTestServer.start(directory: directory, extra: ["--exclude-plain"])
        defer { server.process.stop(grace: 0) }
        let smtp = SMTPConfiguration(
            smarthost: "localhost:\(server.port)", username: "netmon", password: "s3cret", caFile: server.certificate)
        let sender = try EmailSender(
            from: "netmon@hungyen.gov.vn", to: ["noc@hungyen.gov.vn"], smtp: smtp, bodyEncoding: .quotedPrintable)
        try await sender.send(vietnameseNotification(), timeout: 10)
        let info = try #require(try server.received().first)
        #expect(info["mechanism"] as? String == "LOGIN")
        #expect(info["subject"] as? String == "[FIRING:1] LinkLoss Xã Nam Tiền Hải")
        #expect((info["parts"] as? [String: String])?["text/plain"]?.contains("Mất gói") == true)
    }

    @Test(
        "implicit TLS on a 465-style port; wrong password is refused; no STARTTLS offered means no send",
        .enabled(if: hasAiosmtpd(), "needs python3 with aiosmtpd and openssl"))
    func implicitTLSAndFailures() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-smtps")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await SMTPTestServer.start(directory: directory, extra: ["--implicit-tls"])
        defer { server.process.stop(grace: 0) }
        let smtp = SMTPConfiguration(
            smarthost: "localhost:\(server.port)", username: "netmon", password: "s3cret", caFile: server.certificate,
            implicitTLS: true)
        try await EmailSender(from: "netmon@hungyen.gov.vn", to: ["noc@hungyen.gov.vn"], smtp: smtp)
            .send(vietnameseNotification(), timeout: 10)
        #expect(try server.received().first?["tls"] as? Bool == true)

        var wrong = smtp
        wrong.password = "nope"
        await #expect(throws: DeliveryError.self) {
            try await EmailSender(from: "netmon@hungyen.gov.vn", to: ["noc@hungyen.gov.vn"], smtp: wrong)
                .send(vietnameseNotification(), timeout: 10)
        }

        let plainDirectory = makeTemporaryDirectory("netmon-alerting-smtp-plain")
        defer { try? FileManager.default.removeItem(at: plainDirectory) }
        let plain = try await SMTPTestServer.start(directory: plainDirectory, extra: ["--no-starttls"])
        defer { plain.process.stop(grace: 0) }
        do {
            try await EmailSender(
                from: "netmon@hungyen.gov.vn", to: ["noc@hungyen.gov.vn"],
                smtp: SMTPConfiguration(smarthost: "127.0.0.1:\(plain.port)")
            ).send(vietnameseNotification(), timeout: 10)
            Issue.record("sent without TLS although TLS is required")
        } catch {
            #expect(error.code == .tlsRequired)
        }
        #expect(try plain.received().isEmpty)
        // Explicitly allowed: plain SMTP works.
        try await EmailSender(
            from: "netmon@hungyen.gov.vn", to: ["noc@hungyen.gov.vn"],
            smtp: SMTPConfiguration(smarthost: "127.0.0.1:\(plain.port)", requireTLS: false)
        ).send(vietnameseNotification(), timeout: 10)
        #expect(try plain.received().count == 1)
    }

    @Test("sendmail transport: -t -oi, the message on stdin")
    func sendmail() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-sendmail")
        defer { try? FileManager.default.removeItem(at: directory) }
        // A stand-in MTA script that records its arguments and input (a real program run as a child process).
        let script = directory.appendingPathComponent("sendmail")
        let output = directory.appendingPathComponent("mail.eml")
        try ExecutableScript.write(
            """
            #!/bin/sh
            echo "$@" > "\(output.path).args"
            cat > "\(output.path)"
            """, to: script.path)
        let sender = SendmailSender(path: script.path, from: "netmon@hungyen.gov.vn", to: ["noc@hungyen.gov.vn"])
        do {
            try await sender.send(vietnameseNotification(), timeout: 5)
        } catch {
            Issue.record("the first send (script written by install(1)) failed: \(error)")
        }
        let args = try String(contentsOf: URL(fileURLWithPath: output.path + ".args"), encoding: .utf8)
        #expect(args == "-t -oi\n")
        // The program held open for writing (being replaced by an upgrade): "Text file busy" for a moment, then it
        // starts. Closed 150 ms later by a thread of its own (not the test pool, which other suites keep busy); the
        // sender tries again for half a second.
        let writer = open(script.path, O_WRONLY | O_CLOEXEC)
        try #require(writer >= 0)
        Thread.detachNewThread {
            usleep(150_000)
            close(writer)
        }
        do {
            try await sender.send(vietnameseNotification(), timeout: 5)
        } catch {
            Issue.record("the send while the script was busy for 150 ms failed: \(error)")
        }
        let mail = try String(contentsOf: output, encoding: .utf8)
        #expect(mail.contains("To: noc@hungyen.gov.vn\r\n"))
        #expect(mail.contains("Subject: =?UTF-8?B?"))
        await #expect(throws: DeliveryError.self) {
            try await SendmailSender(path: "/nonexistent/sendmail", from: "a@b", to: ["c@d"])
                .send(vietnameseNotification(), timeout: 5)
        }
    }
}
