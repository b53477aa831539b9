import SiteCatalog

/// A node of the routing tree, as Alertmanager's `route`: children inherit what they do not set.
public struct Route: Sendable, Hashable, Codable {
    /// The receiver; nil inherits the parent's.
    public var receiver: String?
    /// All must match for an alert to enter this node (the root matches everything).
    public var matchers: [LabelMatcher]
    /// Labels that form groups; `["..."]` groups by all labels; nil inherits.
    public var groupBy: [String]?
    /// Wait before the first notification of a new group (seconds); nil inherits (root default 30 s).
    public var groupWait: Double?
    /// Wait between notifications about changes of a group (default 5 min).
    public var groupInterval: Double?
    /// Wait before repeating an unchanged firing notification (default 4 h).
    public var repeatInterval: Double?
    /// Whether matching goes on to the next sibling after this node matched.
    public var continueMatching: Bool
    /// Child routes, tried in order.
    public var routes: [Route]

    /// Creates a route.
    public init(
        receiver: String? = nil, matchers: [LabelMatcher] = [], groupBy: [String]? = nil, groupWait: Double? = nil,
        groupInterval: Double? = nil, repeatInterval: Double? = nil, continueMatching: Bool = false,
        routes: [Route] = []
    ) {
        self.receiver = receiver
        self.matchers = matchers
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.continueMatching = continueMatching
        self.routes = routes
    }

    /// The settings a matched node applies, with inheritance resolved.
    public struct Resolved: Sendable, Hashable, Codable {
        /// Identifies the node: the matchers of each level from the root, like Alertmanager's route key.
        public var key: String
        public var receiver: String
        public var groupBy: [String]
        public var groupByAll: Bool
        public var groupWait: Double
        public var groupInterval: Double
        public var repeatInterval: Double
    }

    /// The nodes an alert is routed to: the deepest matching nodes, siblings tried until one matches without
    /// `continue`. Every alert gets at least the root.
    public func match(_ labels: [String: String]) -> [Resolved] {
        let root = Resolved(
            key: "{}", receiver: self.receiver ?? "", groupBy: (self.groupBy ?? []).filter { $0 != "..." },
            groupByAll: self.groupBy?.contains("...") ?? false, groupWait: self.groupWait ?? 30,
            groupInterval: self.groupInterval ?? 300, repeatInterval: self.repeatInterval ?? 14_400)
        return self.match(labels, resolved: root)
    }

    private func match(_ labels: [String: String], resolved: Resolved) -> [Resolved] {
        var results: [Resolved] = []
        for child in self.routes where child.matchers.matches(labels) {
            var inherited = resolved
            inherited.key += "/{" + child.matchers.map(\.description).joined(separator: ",") + "}"
            if let receiver = child.receiver { inherited.receiver = receiver }
            if let groupBy = child.groupBy {
                inherited.groupBy = groupBy.filter { $0 != "..." }
                inherited.groupByAll = groupBy.contains("...")
            }
            if let value = child.groupWait { inherited.groupWait = value }
            if let value = child.groupInterval { inherited.groupInterval = value }
            if let value = child.repeatInterval { inherited.repeatInterval = value }
            results += child.match(labels, resolved: inherited)
            if !child.continueMatching { break }
        }
        return results.isEmpty ? [resolved] : results
    }

    /// Every receiver name the tree uses.
    public var receiverNames: Set<String> {
        var names: Set<String> = self.receiver.map { [$0] } ?? []
        for child in self.routes { names.formUnion(child.receiverNames) }
        return names
    }
}
