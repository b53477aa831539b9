/// One named receiver from sites.yaml `alerts.receivers`.
public struct ReceiverConfiguration: Sendable, Hashable {
    /// Where and how a receiver delivers.
    public enum Kind: Sendable, Hashable {
        /// HTTP POST of JSON, optionally signed.
        case webhook(url: String, secret: String?, format: WebhookSender.Format)
        /// SMTP.
        case email(from: String, to: [String], smtp: SMTPConfiguration, bodyEncoding: EmailMessage.BodyEncoding)
        /// A local `sendmail -t -oi`.
        case sendmail(path: String, from: String, to: [String])
        /// Push into an Alertmanager.
        case alertmanager(url: String)
    }

    public var name: String
    public var kind: Kind
    /// Whether to notify resolutions (default true).
    public var sendResolved: Bool

    public init(name: String, kind: Kind, sendResolved: Bool = true) {
        self.name = name
        self.kind = kind
        self.sendResolved = sendResolved
    }

    /// The sender that delivers to this receiver; HTTP receivers post through `http`, the process's client.
    public func makeSender(
        externalURL: String = "", http: DeliveryHTTPClient
    ) throws(DeliveryError)
        -> any NotificationSender
    {
        switch self.kind {
        case .webhook(let url, let secret, let format):
            return try WebhookSender(url: url, format: format, secret: secret, externalURL: externalURL, http: http)
        case .email(let from, let to, let smtp, let bodyEncoding):
            return try EmailSender(from: from, to: to, smtp: smtp, bodyEncoding: bodyEncoding)
        case .sendmail(let path, let from, let to):
            return SendmailSender(path: path, from: from, to: to)
        case .alertmanager(let url):
            return try AlertmanagerPushSender(url: url, http: http)
        }
    }
}

/// Everything alerting needs from the configuration: receivers, the routing tree and the rules.
public struct AlertingConfiguration: Sendable, Hashable {
    public var receivers: [ReceiverConfiguration]
    public var route: Route
    public var rules: AlertRules
    /// Shown as `externalURL` in Alertmanager-format payloads.
    public var externalURL: String
    /// Route receivers that fan out to several delivery targets (one per integration), for ``AlertProcessor``.
    public var deliveryTargets: [String: [String]]

    public init(
        receivers: [ReceiverConfiguration], route: Route, rules: AlertRules, externalURL: String = "",
        deliveryTargets: [String: [String]] = [:]
    ) {
        self.receivers = receivers
        self.route = route
        self.rules = rules
        self.externalURL = externalURL
        self.deliveryTargets = deliveryTargets
    }

    /// The delivery targets of a route receiver (itself, or one per integration).
    public func targets(of name: String) -> [String] { self.deliveryTargets[name] ?? [name] }

    /// The receiver of that name.
    public func receiver(named name: String) throws(DeliveryError) -> ReceiverConfiguration {
        guard let receiver = self.receivers.first(where: { $0.name == name }) else {
            throw DeliveryError(
                code: .unknownReceiver, message: "no receiver of this name in alerts.receivers",
                context: "\(name); known: \(self.receivers.map(\.name).joined(separator: ", "))")
        }
        return receiver
    }

    /// Senders by receiver name; HTTP receivers post through `http`, the process's client.
    public func makeSenders(http: DeliveryHTTPClient) throws(DeliveryError) -> [String: any NotificationSender] {
        var senders: [String: any NotificationSender] = [:]
        for receiver in self.receivers {
            senders[receiver.name] = try receiver.makeSender(externalURL: self.externalURL, http: http)
        }
        return senders
    }

    /// Receivers with `send_resolved: false`: delivery targets, and the route receivers all of whose targets are
    /// (the dispatcher decides per route receiver, before the fan-out to targets).
    public var receiversWithoutResolved: Set<String> {
        var names = Set(self.receivers.filter { !$0.sendResolved }.map(\.name))
        for (name, targets) in self.deliveryTargets where !targets.isEmpty && targets.allSatisfy(names.contains) {
            names.insert(name)
        }
        return names
    }

    /// Problems: routes naming unknown receivers, duplicate names.
    public func problems() -> [String] {
        var problems: [String] = []
        let names = self.receivers.map(\.name)
        for name in Set(names) where names.filter({ $0 == name }).count > 1 {
            problems.append("receiver \(name) is defined more than once")
        }
        for name in self.route.receiverNames.sorted() where !self.targets(of: name).allSatisfy(names.contains) {
            problems.append("the route names receiver \(name), which is not defined")
        }
        if self.route.receiver == nil { problems.append("the root route needs a receiver") }
        return problems
    }
}
