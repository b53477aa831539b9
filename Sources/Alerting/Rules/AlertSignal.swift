/// One evaluated condition for one alert identity, the input of ``AlertStateMachine``.
public struct AlertSignal: Sendable, Hashable {
    /// The alert's labels (its identity).
    public var labels: [String: String]
    /// Descriptive text, refreshed on every evaluation.
    public var annotations: [String: String]
    /// Raise, hold or clear.
    public var level: SignalLevel
    /// How long the condition must hold before the alert fires (seconds).
    public var forSeconds: Double
    /// A dependency (hub, gateway) is down: do not create this alert. Resolution is never suppressed.
    public var isSuppressed: Bool

    /// Creates a signal.
    public init(
        labels: [String: String], annotations: [String: String] = [:], level: SignalLevel, forSeconds: Double = 0,
        isSuppressed: Bool = false
    ) {
        self.labels = labels
        self.annotations = annotations
        self.level = level
        self.forSeconds = forSeconds
        self.isSuppressed = isSuppressed
    }

    /// The identity of the alert this signal is about.
    public var fingerprint: Fingerprint { Fingerprint(labels: self.labels) }
}
