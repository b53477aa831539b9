import Foundation
import SiteCatalog
import Testing

/// Receiver options: email `ca_file` and `hello`, per-receiver `send_resolved`, and the `sendmail` kind.
@Suite struct ReceiverOptionsTests {
    /// Line 42 of `Fixture.base` is the `noc-email` receiver.
    static let emailLine = 42

    static func withReceivers(_ lines: [String]) -> String {
        var all = Fixture.base.components(separatedBy: "\n")
        all.replaceSubrange(41...41, with: lines)  // the given receivers instead of noc-email (line 42)
        return all.joined(separator: "\n")
    }

    @Test func goodValuesDecode() throws {
        let yaml = Self.withReceivers([
            "    - name: noc-email",
            "      send_resolved: false",
            "      email: { to: noc@example.vn, from: netmon@example.vn, smarthost: mail.example.vn:587, ca_file: certs/ca.pem, hello: netmon.hungyen.gov.vn }",
            "    - { name: local-mail, sendmail: { to: [noc@example.vn, ops@example.vn], from: netmon@example.vn } }",
            "    - { name: other-mail, sendmail: { to: noc@example.vn, from: netmon@example.vn, path: /usr/lib/sendmail }, send_resolved: true }",
            "    - { name: literal-hello, email: { to: [noc@example.vn], from: netmon@example.vn, smarthost: 127.0.0.1:25, hello: \"[10.33.0.5]\" } }",
        ])
        let path = try Fixture.write(yaml)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        #expect(SitesConfig.validate(path: path).isEmpty)
        let config = try SitesConfig.load(path: path)
        let folder = (path as NSString).deletingLastPathComponent
        let email = try #require(config.alerts.receiver(named: "noc-email"))
        #expect(email.sendResolved == false)
        #expect(email.email?.caFile == folder + "/certs/ca.pem")
        #expect(email.email?.hello == "netmon.hungyen.gov.vn")
        #expect(email.email?.to == ["noc@example.vn"])
        let local = try #require(config.alerts.receiver(named: "local-mail"))
        #expect(local.sendResolved == true)
        #expect(
            local.sendmail == SendmailReceiver(to: ["noc@example.vn", "ops@example.vn"], from: "netmon@example.vn"))
        #expect(local.sendmail?.path == "/usr/sbin/sendmail")
        #expect(config.alerts.receiver(named: "other-mail")?.sendmail?.path == "/usr/lib/sendmail")
        #expect(config.alerts.receiver(named: "literal-hello")?.email?.hello == "[10.33.0.5]")
        #expect(config.alerts.receiver(named: "literal-hello")?.email?.caFile == nil)
        #expect(config.alerts.receiver(named: "noc-webhook")?.sendResolved == true)
    }

    @Test func badHello() throws {
        let yaml = Fixture.base(
            line: Self.emailLine, replacing: "smarthost: 127.0.0.1:587",
            with: "smarthost: 127.0.0.1:587, hello: mail server")
        #expect(
            try Fixture.problems(yaml) == [
                "42:115: `hello` must be a host name (letters, digits, - and .) or an address literal such as [10.33.0.5], found `mail server`"
            ])
    }

    @Test func emptyCAFile() throws {
        let yaml = Fixture.base(
            line: Self.emailLine, replacing: "smarthost: 127.0.0.1:587", with: "smarthost: 127.0.0.1:587, ca_file: \"\""
        )
        #expect(try Fixture.problems(yaml) == ["42:117: `alerts.receivers[1].email.ca_file` must not be empty"])
    }

    @Test func sendResolvedMustBeBoolean() throws {
        let yaml = Fixture.base(
            line: Self.emailLine, replacing: "{ name: noc-email,", with: "{ name: noc-email, send_resolved: maybe,")
        #expect(
            try Fixture.problems(yaml) == [
                "42:41: expected true or false for `alerts.receivers[1].send_resolved`, found string \"maybe\""
            ])
    }

    @Test func misspelledEmailKeySuggestsHello() throws {
        let yaml = Fixture.base(
            line: Self.emailLine, replacing: "smarthost: 127.0.0.1:587", with: "smarthost: 127.0.0.1:587, helo: netmon")
        #expect(try Fixture.problems(yaml) == ["42:108: unknown key `helo` in email; did you mean `hello`?"])
    }

    @Test func sendmailNeedsAbsolutePathAndSender() throws {
        let relative = Fixture.base(
            replacing: Self.emailLine,
            with:
                "    - { name: noc-email, sendmail: { to: [noc@example.vn], from: netmon@example.vn, path: sendmail } }"
        )
        #expect(
            try Fixture.problems(relative) == [
                "42:91: sendmail `path` must be an absolute path such as /usr/sbin/sendmail, found `sendmail`"
            ])
        let noSender = Fixture.base(
            replacing: Self.emailLine, with: "    - { name: noc-email, sendmail: { to: [noc@example.vn] } }")
        #expect(try Fixture.problems(noSender) == ["42:36: missing required key `from` in sendmail"])
        let badRecipient = Fixture.base(
            replacing: Self.emailLine,
            with: "    - { name: noc-email, sendmail: { to: [noc], from: netmon@example.vn } }")
        #expect(try Fixture.problems(badRecipient) == ["42:43: `noc` is not an email address"])
    }

    @Test func receiverWithNoIntegrationNamesSendmail() throws {
        let yaml = Fixture.base(replacing: Self.emailLine, with: "    - { name: noc-email, send_resolved: false }")
        #expect(
            try Fixture.problems(yaml) == [
                "42:7: receiver needs at least one of `webhook`, `email`, `alertmanager`, `sendmail`"
            ])
    }
}
