/// A node of the Alertmanager-style routing tree. Children inherit the receiver, grouping and timings they do not
/// set; the values here are already inherited.
public struct AlertRoute: Sendable, Hashable {
    /// The receiver alerts matching this node go to.
    public var receiver: String
    /// Labels alerts are grouped by.
    public var groupBy: [String]
    /// Wait before the first notification of a new group.
    public var groupWait: Duration
    /// Wait before notifying about alerts added to a group.
    public var groupInterval: Duration
    /// Wait before re-sending a notification that is still firing.
    public var repeatInterval: Duration
    /// All must match for an alert to take this route (the root has none).
    public var matchers: [LabelMatcher]
    /// Whether matching goes on to later siblings after this one matched.
    public var continues: Bool
    /// Child routes, tried in order.
    public var routes: [AlertRoute]

    /// Creates a route.
    public init(
        receiver: String, groupBy: [String], groupWait: Duration, groupInterval: Duration, repeatInterval: Duration,
        matchers: [LabelMatcher] = [], continues: Bool = false, routes: [AlertRoute] = []
    ) {
        self.receiver = receiver
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.matchers = matchers
        self.continues = continues
        self.routes = routes
    }
}
