import LinkQuality

/// Where alerts go and the rules that are not link thresholds.
public struct AlertSettings: Sendable, Hashable {
    /// Named receivers; names are unique.
    public var receivers: [AlertReceiver]
    /// The root of the routing tree.
    public var route: AlertRoute
    /// The other rules.
    public var rules: Rules

    /// Creates alert settings.
    public init(receivers: [AlertReceiver], route: AlertRoute, rules: Rules) {
        self.receivers = receivers
        self.route = route
        self.rules = rules
    }

    /// The receiver called `name`, if any.
    public func receiver(named name: String) -> AlertReceiver? {
        self.receivers.first { $0.name == name }
    }

    /// The rules that are not link thresholds.
    public struct Rules: Sendable, Hashable {
        /// A gateway whose probe sent nothing for this many minutes is silent.
        public var gatewaySilentMinutes: Int
        /// Capture drops per minute that raise an alert.
        public var captureDropsPerMinute: Int
        /// Rounds waiting in a gateway's outbox that raise an alert.
        public var outboxBacklog: Int
        /// How long a condition must hold before its alert fires (`for`).
        public var forDuration: Duration
        /// How link loss is judged: windows of probes and the confidence level (`loss`).
        public var lossJudgement: LossJudgement

        /// Creates rules.
        public init(
            gatewaySilentMinutes: Int, captureDropsPerMinute: Int, outboxBacklog: Int, forDuration: Duration,
            lossJudgement: LossJudgement = .standard
        ) {
            self.gatewaySilentMinutes = gatewaySilentMinutes
            self.captureDropsPerMinute = captureDropsPerMinute
            self.outboxBacklog = outboxBacklog
            self.forDuration = forDuration
            self.lossJudgement = lossJudgement
        }
    }
}

/// A named destination with one or more integrations.
public struct AlertReceiver: Sendable, Hashable {
    /// The name routes use.
    public var name: String
    /// A signed webhook, if configured.
    public var webhook: WebhookReceiver?
    /// An email destination, if configured.
    public var email: EmailReceiver?
    /// An Alertmanager to push to, if configured.
    public var alertmanager: AlertmanagerReceiver?
    /// Mail handed to a local `sendmail`, if configured.
    public var sendmail: SendmailReceiver?
    /// Whether resolutions are notified too (`send_resolved`, default true), for every integration.
    public var sendResolved: Bool

    /// Creates a receiver.
    public init(
        name: String, webhook: WebhookReceiver? = nil, email: EmailReceiver? = nil,
        alertmanager: AlertmanagerReceiver? = nil, sendmail: SendmailReceiver? = nil, sendResolved: Bool = true
    ) {
        self.name = name
        self.webhook = webhook
        self.email = email
        self.alertmanager = alertmanager
        self.sendmail = sendmail
        self.sendResolved = sendResolved
    }
}

/// Mail handed to the local MTA: `PATH -t -oi`, the message on standard input.
public struct SendmailReceiver: Sendable, Hashable {
    /// Recipients.
    public var to: [String]
    /// Sender.
    public var from: String
    /// The sendmail program, absolute (default `/usr/sbin/sendmail`).
    public var path: String

    /// Creates a sendmail receiver.
    public init(to: [String], from: String, path: String = "/usr/sbin/sendmail") {
        self.to = to
        self.from = from
        self.path = path
    }
}

/// A webhook: an HTTP POST signed as Standard Webhooks specify, or Alertmanager's webhook payload.
public struct WebhookReceiver: Sendable, Hashable {
    /// The payload format.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
        case standard
        /// Alertmanager's webhook payload, version 4.
        case alertmanager
    }

    /// The URL (http or https).
    public var url: String
    /// The signing secret (`whsec_…`) given inline, if any.
    public var secret: String?
    /// A file holding the secret, absolute (resolved against sites.yaml's folder), if any. Not read at load time.
    public var secretFile: String?
    /// The payload format.
    public var format: Format

    /// Creates a webhook receiver.
    public init(url: String, secret: String? = nil, secretFile: String? = nil, format: Format = .standard) {
        self.url = url
        self.secret = secret
        self.secretFile = secretFile
        self.format = format
    }
}

/// Email through an SMTP smarthost, as Alertmanager sends it.
public struct EmailReceiver: Sendable, Hashable {
    /// Recipients.
    public var to: [String]
    /// Sender.
    public var from: String
    /// The smarthost's host name or address.
    public var smarthostHost: String
    /// The smarthost's port (465 = implicit TLS, else STARTTLS when `requireTLS`).
    public var smarthostPort: UInt16
    /// Whether STARTTLS is required (default true).
    public var requireTLS: Bool
    /// The AUTH user name, if any.
    public var authUsername: String?
    /// A file holding the AUTH password, absolute, if any. Not read at load time.
    public var authPasswordFile: String?
    /// A PEM file of trusted roots for the smarthost's certificate (`ca_file`), absolute, if any (nil: the
    /// system's). Not read at load time.
    public var caFile: String?
    /// The name announced in EHLO (`hello`), if not the default `localhost`.
    public var hello: String?

    /// Creates an email receiver.
    public init(
        to: [String], from: String, smarthostHost: String, smarthostPort: UInt16, requireTLS: Bool = true,
        authUsername: String? = nil, authPasswordFile: String? = nil, caFile: String? = nil, hello: String? = nil
    ) {
        self.to = to
        self.from = from
        self.smarthostHost = smarthostHost
        self.smarthostPort = smarthostPort
        self.requireTLS = requireTLS
        self.authUsername = authUsername
        self.authPasswordFile = authPasswordFile
        self.caFile = caFile
        self.hello = hello
    }
}

/// An Alertmanager to push alerts to (`POST /api/v2/alerts`).
public struct AlertmanagerReceiver: Sendable, Hashable {
    /// Its base URL, e.g. `http://127.0.0.1:9093`.
    public var url: String

    /// Creates an Alertmanager receiver.
    public init(url: String) {
        self.url = url
    }
}
