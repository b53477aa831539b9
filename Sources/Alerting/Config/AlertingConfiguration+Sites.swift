import Foundation
import SiteCatalog

extension AlertingConfiguration {
    /// Builds the alerting configuration from a loaded sites.yaml: receivers (secrets and passwords read from
    /// their files now), the routing tree, link thresholds per commune and target, the other rules and the
    /// coverage targets. `onlyReceivers` limits which receivers are built (and whose secret files are read).
    public init(sites: SitesConfig, externalURL: String = "", onlyReceivers: Set<String>? = nil) throws(DeliveryError) {
        var receivers: [ReceiverConfiguration] = []
        for receiver in sites.alerts.receivers where onlyReceivers?.contains(receiver.name) ?? true {
            receivers += try Self.receivers(receiver)
        }
        var rules = AlertRules(
            defaultThresholds: Self.linkThresholds(sites.defaults.thresholds),
            forSeconds: DurationText.seconds(sites.alerts.rules.forDuration),
            gatewaySilentSeconds: Double(sites.alerts.rules.gatewaySilentMinutes) * 60,
            captureDropsPerMinute: Double(sites.alerts.rules.captureDropsPerMinute),
            outboxBacklog: Double(sites.alerts.rules.outboxBacklog),
            requireFourGEveryCommune: sites.coverage.targets.fourGInEveryCommune,
            fiveGAreaRatio: sites.coverage.targets.fiveGAreaRatio,
            communes: sites.communes.map { AlertRules.Commune(code: $0.code, name: $0.name, probeID: $0.probeID) },
            configuredLinks: Dictionary(
                sites.communes.map { commune in (commune.code, sites.targets(for: commune).map(\.name)) },
                uniquingKeysWith: { first, _ in first }),
            lossJudgement: sites.alerts.rules.lossJudgement)
        for commune in sites.communes {
            for target in sites.targets(for: commune) where target.thresholds != sites.defaults.thresholds {
                rules.overrides["\(commune.code)/\(target.name)"] = Self.linkThresholds(target.thresholds)
            }
        }
        self.init(
            receivers: receivers, route: Self.route(sites.alerts.route), rules: rules, externalURL: externalURL)
        self.deliveryTargets = Self.deliveryTargets(sites.alerts.receivers)
    }

    /// Loads sites.yaml at `path` and builds the configuration; configuration errors become one
    /// ``DeliveryError`` listing every diagnostic.
    public static func load(
        sitesPath path: String, externalURL: String = "", onlyReceivers: Set<String>? = nil
    ) throws(DeliveryError) -> AlertingConfiguration {
        let sites: SitesConfig
        do {
            sites = try SitesConfig.load(path: path)
        } catch {
            throw DeliveryError(code: .invalidConfiguration, message: error.description, context: path)
        }
        return try AlertingConfiguration(sites: sites, externalURL: externalURL, onlyReceivers: onlyReceivers)
    }

    /// A sites.yaml receiver with several integrations becomes one delivery target per integration.
    static func targetNames(_ receiver: AlertReceiver) -> [String] {
        var kinds: [String] = []
        if receiver.webhook != nil { kinds.append("webhook") }
        if receiver.email != nil { kinds.append("email") }
        if receiver.alertmanager != nil { kinds.append("alertmanager") }
        if receiver.sendmail != nil { kinds.append("sendmail") }
        return kinds.count <= 1 ? [receiver.name] : kinds.map { "\(receiver.name)/\($0)" }
    }

    static func deliveryTargets(_ receivers: [AlertReceiver]) -> [String: [String]] {
        var targets: [String: [String]] = [:]
        for receiver in receivers {
            let names = self.targetNames(receiver)
            if names != [receiver.name] { targets[receiver.name] = names }
        }
        return targets
    }

    static func receivers(_ receiver: AlertReceiver) throws(DeliveryError) -> [ReceiverConfiguration] {
        let names = self.targetNames(receiver)
        var index = 0
        var result: [ReceiverConfiguration] = []
        func next() -> String {
            defer { index += 1 }
            return names[index]
        }
        if let webhook = receiver.webhook {
            var secret = webhook.secret
            if secret == nil, let file = webhook.secretFile { secret = try self.readSecret(file, receiver.name) }
            let format: WebhookSender.Format = webhook.format == .alertmanager ? .alertmanager : .standard
            result.append(
                ReceiverConfiguration(
                    name: next(), kind: .webhook(url: webhook.url, secret: secret, format: format),
                    sendResolved: receiver.sendResolved))
        }
        if let email = receiver.email {
            let password = try email.authPasswordFile.map { (file) throws(DeliveryError) in
                try self.readSecret(file, receiver.name)
            }
            let host = email.smarthostHost.contains(":") ? "[\(email.smarthostHost)]" : email.smarthostHost
            let smtp = SMTPConfiguration(
                smarthost: "\(host):\(email.smarthostPort)", requireTLS: email.requireTLS,
                username: email.authUsername, password: password, hello: email.hello ?? "localhost",
                caFile: email.caFile)
            result.append(
                ReceiverConfiguration(
                    name: next(), kind: .email(from: email.from, to: email.to, smtp: smtp, bodyEncoding: .base64),
                    sendResolved: receiver.sendResolved))
        }
        if let manager = receiver.alertmanager {
            result.append(
                ReceiverConfiguration(
                    name: next(), kind: .alertmanager(url: manager.url), sendResolved: receiver.sendResolved))
        }
        if let sendmail = receiver.sendmail {
            result.append(
                ReceiverConfiguration(
                    name: next(), kind: .sendmail(path: sendmail.path, from: sendmail.from, to: sendmail.to),
                    sendResolved: receiver.sendResolved))
        }
        return result
    }

    /// Reads a receiver's secret file, or systemd's copy of it (``CredentialFile``).
    static func readSecret(
        _ path: String, _ receiver: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(DeliveryError) -> String {
        guard let data = CredentialFile.contents(of: path, environment: environment) else {
            let hint =
                environment["CREDENTIALS_DIRECTORY"] != nil
                ? " (nor a credential named \(URL(fileURLWithPath: path).lastPathComponent) in $CREDENTIALS_DIRECTORY)"
                : ""
            throw DeliveryError(
                code: .invalidConfiguration, message: "cannot read the secret file of receiver \(receiver)\(hint)",
                context: path)
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The routing tree. Its matchers were checked and compiled when sites.yaml was loaded, where a bad one is
    /// reported with its position.
    static func route(_ route: AlertRoute) -> Route {
        Route(
            receiver: route.receiver, matchers: route.matchers, groupBy: route.groupBy,
            groupWait: DurationText.seconds(route.groupWait), groupInterval: DurationText.seconds(route.groupInterval),
            repeatInterval: DurationText.seconds(route.repeatInterval), continueMatching: route.continues,
            routes: route.routes.map(self.route))
    }

    static func linkThresholds(_ thresholds: Thresholds) -> AlertRules.LinkThresholds {
        AlertRules.LinkThresholds(
            latencySeconds: Threshold(
                warn: thresholds.latencyMs.warn / 1000, critical: thresholds.latencyMs.critical / 1000,
                clear: thresholds.latencyMs.clear / 1000),
            lossRatio: Threshold(
                warn: thresholds.lossRatio.warn, critical: thresholds.lossRatio.critical,
                clear: thresholds.lossRatio.clear))
    }
}
