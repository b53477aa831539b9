import Foundation
import LinkQuality

/// Receivers, the routing tree and the rules.
extension SitesDecoder {
    func decodeAlerts(_ located: Located?) -> AlertSettings? {
        guard
            let fields = self.context.fields(located, "alerts", required: ["receivers", "route"], optional: ["rules"])
        else { return nil }
        let receivers = self.decodeReceivers(fields["receivers"])
        let defaults = AlertRoute(
            receiver: "", groupBy: [], groupWait: .seconds(30), groupInterval: .seconds(300),
            repeatInterval: .seconds(14_400))
        let route = self.decodeRoute(fields["route"], parent: defaults, isRoot: true)
        var rules: AlertSettings.Rules? = AlertSettings.Rules(
            gatewaySilentMinutes: 5, captureDropsPerMinute: 100, outboxBacklog: 1000, forDuration: .seconds(120))
        if fields.has("rules") { rules = self.decodeRules(fields["rules"]) }
        guard let receivers, let route, let rules else { return nil }
        return AlertSettings(receivers: receivers, route: route, rules: rules)
    }

    private func decodeReceivers(_ located: Located?) -> [AlertReceiver]? {
        guard let items = self.context.list(located, "receivers") else { return nil }
        if items.isEmpty, let located {
            self.context.report("`receivers` lists no receiver", at: located)
            return nil
        }
        var receivers: [AlertReceiver] = []
        var failed = false
        for item in items {
            guard
                let fields = self.context.fields(
                    item, "receiver", required: ["name"],
                    optional: ["webhook", "email", "alertmanager", "sendmail", "send_resolved"])
            else {
                failed = true
                continue
            }
            let name = self.context.string(fields["name"])
            if let name, let nameLocated = fields["name"] {
                self.receiverNames.append(Seen(value: name, located: nameLocated, owner: "receiver"))
            }
            if !["webhook", "email", "alertmanager", "sendmail"].contains(where: { fields.has($0) }) {
                self.context.report(
                    "receiver needs at least one of `webhook`, `email`, `alertmanager`, `sendmail`", at: item)
                failed = true
                continue
            }
            var webhook: WebhookReceiver?? = .some(nil)
            if fields.has("webhook") { webhook = self.decodeWebhook(fields["webhook"]).map { .some($0) } }
            var email: EmailReceiver?? = .some(nil)
            if fields.has("email") { email = self.decodeEmail(fields["email"]).map { .some($0) } }
            var alertmanager: AlertmanagerReceiver?? = .some(nil)
            if fields.has("alertmanager") {
                let amFields = self.context.fields(fields["alertmanager"], "alertmanager receiver", required: ["url"])
                alertmanager = self.url(amFields?["url"]).map { .some(AlertmanagerReceiver(url: $0)) }
            }
            var sendmail: SendmailReceiver?? = .some(nil)
            if fields.has("sendmail") { sendmail = self.decodeSendmail(fields["sendmail"]).map { .some($0) } }
            var sendResolved: Bool? = true
            if fields.has("send_resolved") { sendResolved = self.context.bool(fields["send_resolved"]) }
            guard let name, let webhook, let email, let alertmanager, let sendmail, let sendResolved else {
                failed = true
                continue
            }
            receivers.append(
                AlertReceiver(
                    name: name, webhook: webhook, email: email, alertmanager: alertmanager, sendmail: sendmail,
                    sendResolved: sendResolved))
        }
        return failed ? nil : receivers
    }

    private func decodeWebhook(_ located: Located?) -> WebhookReceiver? {
        guard
            let fields = self.context.fields(
                located, "webhook", required: ["url"], optional: ["secret", "secret_file", "format"])
        else { return nil }
        let url = self.url(fields["url"])
        var secret: String?? = .some(nil)
        if let secretLocated = fields["secret"] {
            secret = self.context.string(secretLocated).map { .some($0) }
            if case .some(.some(let text)) = secret,
                !text.hasPrefix("whsec_") || Data(base64Encoded: String(text.dropFirst(6))) == nil
            {
                self.context.report(
                    "webhook `secret` must be `whsec_` followed by base64 (Standard Webhooks)", at: secretLocated)
                secret = .none
            }
        }
        var secretFile: String?? = .some(nil)
        if fields.has("secret_file") {
            secretFile = self.context.string(fields["secret_file"]).map { .some(self.resolve($0)) }
        }
        if fields.has("secret"), fields.has("secret_file"), let key = fields.keyNode("secret_file") {
            self.context.report("give either `secret` or `secret_file`, not both", at: key)
            return nil
        }
        var format: WebhookReceiver.Format? = .standard
        if fields.has("format") { format = self.context.choice(fields["format"], WebhookReceiver.Format.self) }
        guard let url, let secret, let secretFile, let format else { return nil }
        return WebhookReceiver(url: url, secret: secret, secretFile: secretFile, format: format)
    }

    private func decodeEmail(_ located: Located?) -> EmailReceiver? {
        guard
            let fields = self.context.fields(
                located, "email", required: ["to", "from", "smarthost"],
                optional: ["require_tls", "auth_username", "auth_password_file", "ca_file", "hello"])
        else { return nil }
        let to = self.recipients(fields["to"])
        let from = self.emailAddress(fields["from"])
        var host: String?
        var port: UInt16?
        if let smarthost = fields["smarthost"], let text = self.context.string(smarthost) {
            if let colon = text.lastIndex(of: ":"), let value = UInt16(text[text.index(after: colon)...]), value > 0,
                colon > text.startIndex
            {
                var hostText = String(text[..<colon])
                if hostText.hasPrefix("["), hostText.hasSuffix("]") {
                    hostText = String(hostText.dropFirst().dropLast())
                }
                host = hostText
                port = value
            } else {
                self.context.report(
                    "`smarthost` must be host:port (e.g. 127.0.0.1:587), found `\(text)`", at: smarthost)
            }
        }
        var requireTLS: Bool? = true
        if fields.has("require_tls") { requireTLS = self.context.bool(fields["require_tls"]) }
        var username: String?? = .some(nil)
        if fields.has("auth_username") { username = self.context.string(fields["auth_username"]).map { .some($0) } }
        var passwordFile: String?? = .some(nil)
        if fields.has("auth_password_file") {
            passwordFile = self.context.string(fields["auth_password_file"]).map { .some(self.resolve($0)) }
        }
        var caFile: String?? = .some(nil)
        if fields.has("ca_file") { caFile = self.context.string(fields["ca_file"]).map { .some(self.resolve($0)) } }
        var hello: String?? = .some(nil)
        if let helloLocated = fields["hello"] { hello = self.helloName(helloLocated).map { .some($0) } }
        guard let to, let from, let host, let port, let requireTLS, let username, let passwordFile, let caFile,
            let hello
        else { return nil }
        return EmailReceiver(
            to: to, from: from, smarthostHost: host, smarthostPort: port, requireTLS: requireTLS,
            authUsername: username, authPasswordFile: passwordFile, caFile: caFile, hello: hello)
    }

    private func decodeSendmail(_ located: Located?) -> SendmailReceiver? {
        guard
            let fields = self.context.fields(located, "sendmail", required: ["to", "from"], optional: ["path"])
        else { return nil }
        let to = self.recipients(fields["to"])
        let from = self.emailAddress(fields["from"])
        var path: String? = "/usr/sbin/sendmail"
        if let pathLocated = fields["path"], let text = self.context.string(pathLocated) {
            if text.hasPrefix("/") {
                path = text
            } else {
                self.context.report(
                    "sendmail `path` must be an absolute path such as /usr/sbin/sendmail, found `\(text)`",
                    at: pathLocated)
                path = nil
            }
        } else if fields.has("path") {
            path = nil
        }
        guard let to, let from, let path else { return nil }
        return SendmailReceiver(to: to, from: from, path: path)
    }

    /// `to`: one address or a non-empty list of them.
    private func recipients(_ located: Located?) -> [String]? {
        guard let located else { return nil }
        if located.node.tagName == .str { return self.emailAddress(located).map { [$0] } }
        guard let items = self.context.list(located, "email recipients") else { return nil }
        if items.isEmpty {
            self.context.report("`to` lists no recipient", at: located)
            return nil
        }
        let parsed = items.map { self.emailAddress($0) }
        return parsed.contains { $0 == nil } ? nil : parsed.compactMap { $0 }
    }

    /// The EHLO name: a host name (letters, digits, `-` and `.`) or an address literal such as `[10.33.0.5]`.
    private func helloName(_ located: Located) -> String? {
        guard let text = self.context.string(located) else { return nil }
        let isLiteral =
            text.hasPrefix("[") && text.hasSuffix("]") && text.count > 2
            && !text.dropFirst().dropLast().contains { $0.isWhitespace || $0 == "[" || $0 == "]" }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let isHostName =
            text.count <= 253
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
        guard isLiteral || isHostName else {
            self.context.report(
                "`hello` must be a host name (letters, digits, - and .) or an address literal such as [10.33.0.5], found `\(text)`",
                at: located)
            return nil
        }
        return text
    }

    private func decodeRoute(_ located: Located?, parent: AlertRoute, isRoot: Bool) -> AlertRoute? {
        let common = ["group_by", "group_wait", "group_interval", "repeat_interval", "routes"]
        guard
            let fields = self.context.fields(
                located, isRoot ? "route" : "child route", required: isRoot ? ["receiver"] : [],
                optional: common + (isRoot ? [] : ["receiver", "matchers", "continue"]))
        else { return nil }
        var receiver: String? = parent.receiver
        if let receiverLocated = fields["receiver"] {
            receiver = self.context.string(receiverLocated)
            if let receiver {
                self.receiverReferences.append(Seen(value: receiver, located: receiverLocated, owner: "route"))
            }
        }
        var groupBy: [String]? = parent.groupBy
        if fields.has("group_by") {
            groupBy = self.context.stringList(fields["group_by"], "group_by")
            for item in self.context.fieldsQuietlyList(fields["group_by"]) {
                guard let label = item.node.string, label != "...", !LabelMatcher.isValidLabelName(label) else {
                    continue
                }
                self.context.report(
                    "`\(label)` in `group_by` is not a label name (letters, digits and _, not starting with a digit)",
                    at: item)
                groupBy = nil
            }
        }
        var groupWait: Duration? = parent.groupWait
        if fields.has("group_wait") { groupWait = self.context.duration(fields["group_wait"], allowZero: true) }
        var groupInterval: Duration? = parent.groupInterval
        if fields.has("group_interval") { groupInterval = self.context.duration(fields["group_interval"]) }
        var repeatInterval: Duration? = parent.repeatInterval
        if fields.has("repeat_interval") { repeatInterval = self.context.duration(fields["repeat_interval"]) }
        var matchers: [LabelMatcher]? = []
        if let matchersLocated = fields["matchers"], let items = self.context.list(matchersLocated, "matchers") {
            var parsed: [LabelMatcher] = []
            for item in items {
                guard let text = self.context.string(item) else {
                    matchers = nil
                    continue
                }
                do {
                    parsed.append(try LabelMatcher(parsing: text))
                } catch {
                    self.context.report("\(error)", at: item)
                    matchers = nil
                }
            }
            if matchers != nil { matchers = parsed }
        } else if fields.has("matchers") {
            matchers = nil
        }
        var continues: Bool? = false
        if fields.has("continue") { continues = self.context.bool(fields["continue"]) }
        guard let receiver, let groupBy, let groupWait, let groupInterval, let repeatInterval, let matchers,
            let continues
        else { return nil }
        var route = AlertRoute(
            receiver: receiver, groupBy: groupBy, groupWait: groupWait, groupInterval: groupInterval,
            repeatInterval: repeatInterval, matchers: matchers, continues: continues)
        if fields.has("routes") {
            guard let items = self.context.list(fields["routes"], "routes") else { return nil }
            let children = items.map { self.decodeRoute($0, parent: route, isRoot: false) }
            guard !children.contains(where: { $0 == nil }) else { return nil }
            route.routes = children.compactMap { $0 }
        }
        return route
    }

    private func decodeRules(_ located: Located?) -> AlertSettings.Rules? {
        guard
            let fields = self.context.fields(
                located, "alert rules", required: [],
                optional: ["gateway_silent_minutes", "capture_drops_per_minute", "outbox_backlog", "for", "loss"])
        else { return nil }
        var silent: Int? = 5
        if fields.has("gateway_silent_minutes") {
            silent = self.context.int(fields["gateway_silent_minutes"], in: 1...10_080)
        }
        var drops: Int? = 100
        if fields.has("capture_drops_per_minute") {
            drops = self.context.int(fields["capture_drops_per_minute"], in: 0...Int.max)
        }
        var backlog: Int? = 1000
        if fields.has("outbox_backlog") { backlog = self.context.int(fields["outbox_backlog"], in: 1...Int.max) }
        var holdFor: Duration? = .seconds(120)
        if fields.has("for") { holdFor = self.context.duration(fields["for"], allowZero: true) }
        var loss: LossJudgement? = .standard
        if fields.has("loss") { loss = self.decodeLossJudgement(fields["loss"]) }
        guard let silent, let drops, let backlog, let holdFor, let loss else { return nil }
        return AlertSettings.Rules(
            gatewaySilentMinutes: silent, captureDropsPerMinute: drops, outboxBacklog: backlog, forDuration: holdFor,
            lossJudgement: loss)
    }

    /// An http or https URL with a host.
    private func url(_ located: Located?) -> String? {
        guard let located, let text = self.context.string(located) else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            self.context.report("`\(text)` is not an http or https URL", at: located)
            return nil
        }
        return text
    }

    /// An email address (one `@`, something on each side, no spaces).
    private func emailAddress(_ located: Located?) -> String? {
        guard let located, let text = self.context.string(located) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !text.contains(where: \.isWhitespace) else {
            self.context.report("`\(text)` is not an email address", at: located)
            return nil
        }
        return text
    }
}
