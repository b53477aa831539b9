import Foundation

/// Routes alerts into aggregation groups and decides when each group notifies, as Alertmanager does.
///
/// A value type with time passed in: `receive(_:at:)` puts an alert (firing or resolved) into the groups of every
/// route it matches; `flush(at:silences:)` returns the notifications due at `now`. A new group waits `group_wait`,
/// then is looked at every `group_interval`: it notifies when an alert fired that was not notified, when a notified
/// alert resolved (if its receiver sends resolved notifications), or when `repeat_interval` passed since the last
/// notification. Silenced alerts are left out. `Codable`, persisted with the alert state.
public struct NotificationDispatcher: Sendable, Codable {
    /// One aggregation group: one route node, one receiver, one value of the `group_by` labels.
    public struct Group: Sendable, Hashable, Codable {
        public var receiver: String
        public var groupKey: String
        public var groupLabels: [String: String]
        public var options: Route.Resolved
        /// The group's alerts, firing and resolved-not-yet-notified.
        public var alerts: [Fingerprint: Alert]
        /// When the group will be looked at next.
        public var nextFlush: Date
        /// The last notification's time.
        public var lastNotifiedAt: Date?
        /// Fingerprints notified as firing in the last notification.
        public var notifiedFiring: Set<Fingerprint>
        /// Fingerprints notified as resolved in the last notification.
        public var notifiedResolved: Set<Fingerprint>
    }

    /// The routing tree in force (not persisted: it comes from the configuration).
    public var route: Route
    /// Receivers that do not want resolved notifications (Alertmanager's `send_resolved: false`).
    public var receiversWithoutResolved: Set<String>
    /// Groups by receiver and group key.
    public private(set) var groups: [String: Group]

    /// Creates a dispatcher for a routing tree.
    public init(route: Route, receiversWithoutResolved: Set<String> = []) {
        self.route = route
        self.receiversWithoutResolved = receiversWithoutResolved
        self.groups = [:]
    }

    enum CodingKeys: String, CodingKey { case groups }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.route = Route()
        self.receiversWithoutResolved = []
        self.groups = try container.decode([String: Group].self, forKey: .groups)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.groups, forKey: .groups)
    }

    /// Takes in a firing alert, or the resolution of one.
    ///
    /// A resolution for an alert no group holds is ignored: nothing was said about it.
    public mutating func receive(_ alert: Alert, at now: Date) {
        for node in self.route.match(alert.labels) {
            let groupLabels = Self.groupLabels(alert.labels, node)
            let groupKey = node.key + ":" + Self.render(groupLabels)
            let id = node.receiver + "\u{1F}" + groupKey
            let fingerprint = alert.fingerprint
            if var group = self.groups[id] {
                group.alerts[fingerprint] = alert
                self.groups[id] = group
            } else if alert.status == .firing {
                self.groups[id] = Group(
                    receiver: node.receiver, groupKey: groupKey, groupLabels: groupLabels, options: node,
                    alerts: [fingerprint: alert], nextFlush: now.addingTimeInterval(node.groupWait),
                    lastNotifiedAt: nil, notifiedFiring: [], notifiedResolved: [])
            }
        }
    }

    /// The notifications due at `now`, in group order; updates the groups as if they were sent.
    ///
    /// `makeID` gives each notification its webhook id (random by default).
    public mutating func flush(
        at now: Date, silences: [Silence] = [], makeID: () -> String = AlertNotification.makeID
    ) -> [AlertNotification] {
        var notifications: [AlertNotification] = []
        for id in self.groups.keys.sorted() {
            guard var group = self.groups[id], group.nextFlush <= now else { continue }
            let sendResolved = !self.receiversWithoutResolved.contains(group.receiver)
            let visible = group.alerts.filter { !silences.mutes($0.value.labels, at: now) }
            let firing = Set(visible.filter { $0.value.status == .firing }.keys)
            let resolved = Set(visible.filter { $0.value.status == .resolved }.keys)
            if Self.needsUpdate(group, firing: firing, resolved: resolved, sendResolved: sendResolved, now: now) {
                let included = visible.values
                    .filter { $0.status == .firing || sendResolved }
                    .sorted {
                        ($0.status == .firing ? 0 : 1, $0.fingerprint) < ($1.status == .firing ? 0 : 1, $1.fingerprint)
                    }
                notifications.append(
                    AlertNotification(
                        id: makeID(), receiver: group.receiver, groupKey: group.groupKey,
                        groupLabels: group.groupLabels, alerts: Array(included), createdAt: now))
                group.lastNotifiedAt = now
                group.notifiedFiring = firing
                group.notifiedResolved = sendResolved ? resolved : []
            }
            // Resolved alerts leave the group once a notification covered them (or none was wanted).
            // Silenced resolved alerts leave too: nothing more will be said about them. If one fires again later,
            // it is new.
            for (fingerprint, alert) in group.alerts where alert.status == .resolved {
                group.alerts[fingerprint] = nil
                group.notifiedFiring.remove(fingerprint)
            }
            group.nextFlush = now.addingTimeInterval(group.options.groupInterval)
            if group.alerts.isEmpty {
                self.groups[id] = nil
            } else {
                self.groups[id] = group
            }
        }
        return notifications
    }

    /// The earliest time a group will be looked at, nil when there are no groups.
    public var nextFlush: Date? { self.groups.values.map(\.nextFlush).min() }

    static func needsUpdate(
        _ group: Group, firing: Set<Fingerprint>, resolved: Set<Fingerprint>, sendResolved: Bool, now: Date
    ) -> Bool {
        guard let last = group.lastNotifiedAt else { return !firing.isEmpty }
        if !firing.isSubset(of: group.notifiedFiring) { return true }
        if firing.isEmpty { return sendResolved && !group.notifiedFiring.isEmpty }
        if sendResolved && !resolved.intersection(group.notifiedFiring).isEmpty { return true }
        return now.timeIntervalSince(last) >= group.options.repeatInterval
    }

    static func groupLabels(_ labels: [String: String], _ node: Route.Resolved) -> [String: String] {
        if node.groupByAll { return labels }
        var result: [String: String] = [:]
        for name in node.groupBy { if let value = labels[name] { result[name] = value } }
        return result
    }

    static func render(_ labels: [String: String]) -> String {
        "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ", ") + "}"
    }
}
