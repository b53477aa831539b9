import Foundation

/// Whether an alert is firing or has resolved, as Alertmanager spells it.
public enum AlertStatus: String, Codable, Sendable, Hashable {
    case firing
    case resolved
}

/// One alert as it is routed, grouped and delivered: labels identify it, annotations describe it.
public struct Alert: Codable, Sendable, Hashable {
    /// Identifying labels (`alertname`, `commune`, `target`, `severity`, …).
    public var labels: [String: String]
    /// Descriptive text (`summary`, `description`, `value`); not part of the identity.
    public var annotations: [String: String]
    /// When the alert started firing.
    public var startsAt: Date
    /// When it resolved; nil while it fires.
    public var endsAt: Date?
    /// A link back to where the alert came from.
    public var generatorURL: String

    /// Creates an alert.
    public init(
        labels: [String: String], annotations: [String: String] = [:], startsAt: Date, endsAt: Date? = nil,
        generatorURL: String = ""
    ) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }

    /// The stable identity of the alert (hash of its sorted labels).
    public var fingerprint: Fingerprint { Fingerprint(labels: self.labels) }

    /// `.resolved` once `endsAt` is set, `.firing` before.
    public var status: AlertStatus { self.endsAt == nil ? .firing : .resolved }

    /// The alert's name (the `alertname` label).
    public var name: String { self.labels["alertname"] ?? "" }
}
