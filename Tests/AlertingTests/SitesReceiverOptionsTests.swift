import Foundation
import TestSupport
import Testing

@testable import Alerting

/// sites.yaml's email `ca_file` and `hello`, per-receiver `send_resolved` and the `sendmail` kind, from the file to
/// what a real SMTP server and a real child process receive.
@Suite("sites.yaml receiver options: ca_file, hello, send_resolved, sendmail")
struct SitesReceiverOptionsTests {
    /// ConfigurationTests' sites.yaml with `am-format` replaced by an email + sendmail receiver without resolved.
    func sitesYAML(
        smtpPort: Int, certificate: String, passwordFile: String, secretFile: String, sendmail: String
    ) -> String {
        let base = ConfigurationTests().sitesYAML(webhookURL: "http://127.0.0.1:9/hook", secretFile: secretFile)
        var lines = base.components(separatedBy: "\n")
        let index = lines.firstIndex { $0.contains("name: am-format") }!
        lines.replaceSubrange(
            index...index,
            with: [
                "    - name: am-format",
                "      send_resolved: false",
                "      email: { to: [noc@hungyen.gov.vn], from: netmon@hungyen.gov.vn, smarthost: \"localhost:\(smtpPort)\",",
                "               auth_username: netmon, auth_password_file: \(passwordFile), ca_file: \(certificate),",
                "               hello: netmon.hungyen.gov.vn }",
                "      sendmail: { to: [truc-ban@hungyen.gov.vn], from: netmon@hungyen.gov.vn, path: \(sendmail) }",
            ])
        return lines.joined(separator: "\n")
    }

    @Test(
        "email with ca_file and hello reaches aiosmtpd over verified STARTTLS; sendmail runs; send_resolved: false holds",
        .enabled(if: hasAiosmtpd(), "needs python3 with aiosmtpd and openssl"))
    func receiverOptions() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-sites-options")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await SMTPTestServer.start(directory: directory)
        defer { server.process.stop() }
        let passwordFile = directory.appendingPathComponent("smtp.password")
        try "s3cret\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        let secretFile = directory.appendingPathComponent("webhook.secret")
        try "whsec_bmV0bW9uLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODlhYg==".write(
            to: secretFile, atomically: true, encoding: .utf8)
        let script = directory.appendingPathComponent("sendmail")
        let mailFile = directory.appendingPathComponent("sendmail.eml")
        try ExecutableScript.write(
            "#!/bin/sh\necho \"$@\" > \"\(mailFile.path).args\"\ncat > \"\(mailFile.path)\"\n", to: script.path)
        let sitesPath = directory.appendingPathComponent("sites.yaml").path
        try self.sitesYAML(
            smtpPort: server.port, certificate: server.certificate, passwordFile: passwordFile.path,
            secretFile: secretFile.path, sendmail: script.path
        ).write(toFile: sitesPath, atomically: true, encoding: .utf8)

        let configuration = try AlertingConfiguration.load(sitesPath: sitesPath)
        #expect(configuration.problems().isEmpty)
        #expect(configuration.targets(of: "am-format") == ["am-format/email", "am-format/sendmail"])
        let email = try configuration.receiver(named: "am-format/email")
        guard case .email(_, _, let smtp, _) = email.kind else {
            Issue.record("am-format/email is not an email receiver: \(email.kind)")
            return
        }
        #expect(smtp.hello == "netmon.hungyen.gov.vn")
        #expect(smtp.caFile == server.certificate)
        #expect(smtp.password == "s3cret")
        #expect(email.sendResolved == false)
        let sendmail = try configuration.receiver(named: "am-format/sendmail")
        #expect(
            sendmail.kind
                == .sendmail(path: script.path, from: "netmon@hungyen.gov.vn", to: ["truc-ban@hungyen.gov.vn"]))
        #expect(sendmail.sendResolved == false)
        #expect(try configuration.receiver(named: "noc-webhook").sendResolved)
        #expect(configuration.receiversWithoutResolved == ["am-format", "am-format/email", "am-format/sendmail"])

        // Real delivery: the self-signed certificate is trusted only through ca_file; EHLO announces `hello`.
        let senders = try configuration.makeSenders(http: deliveryHTTP)
        var notification = vietnameseNotification()
        notification.receiver = "am-format/email"
        try await #require(senders["am-format/email"]).send(notification, timeout: 10)
        let info = try #require(try server.received().first)
        #expect(info["helo"] as? String == "netmon.hungyen.gov.vn")
        #expect(info["tls"] as? Bool == true)
        #expect(info["authenticated"] as? Bool == true)
        #expect(info["subject"] as? String == "[FIRING:1] LinkLoss Xã Nam Tiền Hải")
        notification.receiver = "am-format/sendmail"
        try await #require(senders["am-format/sendmail"]).send(notification, timeout: 10)
        #expect(try String(contentsOf: URL(fileURLWithPath: mailFile.path + ".args"), encoding: .utf8) == "-t -oi\n")
        #expect(try String(contentsOf: mailFile, encoding: .utf8).contains("To: truc-ban@hungyen.gov.vn\r\n"))

        // Through the processor: critical loss fires to both route receivers, but only noc-webhook hears it resolve.
        let processor = try await AlertProcessor(
            store: try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path),
            rules: configuration.rules, route: configuration.route,
            receiversWithoutResolved: configuration.receiversWithoutResolved,
            deliveryTargets: configuration.deliveryTargets, startedAt: epoch)
        var t = epoch
        var sent: [AlertNotification] = []
        for step in 0..<5 {  // under 5 minutes: commune 11977's silent gateway stays out of it
            let lost = step < 3 ? 10 : 0
            // Loss is judged on enough probes (alerts.rules.loss): a clean round of 400 probes is enough to clear
            // (381 loss-free probes bring the 95 % interval below 1 %).
            await processor.ingest(
                [
                    makeRound(
                        commune: "11953", target: "portal", sequence: Int64(step), start: t, lost: lost,
                        sent: step < 3 ? 20 : 400)
                ],
                receivedAt: t + 60)
            t = t + 61
            sent += try await processor.tick(at: t)
        }
        let firing = sent.filter { $0.status == .firing }.map(\.receiver).sorted()
        let resolved = sent.filter { $0.status == .resolved }.map(\.receiver).sorted()
        #expect(firing == ["am-format/email", "am-format/sendmail", "noc-webhook"])
        #expect(resolved == ["noc-webhook"])
    }
}
