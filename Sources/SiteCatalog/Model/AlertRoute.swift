import Foundation

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
    public var matchers: [Matcher]
    /// Whether matching goes on to later siblings after this one matched.
    public var continues: Bool
    /// Child routes, tried in order.
    public var routes: [AlertRoute]

    /// Creates a route.
    public init(
        receiver: String, groupBy: [String], groupWait: Duration, groupInterval: Duration, repeatInterval: Duration,
        matchers: [Matcher] = [], continues: Bool = false, routes: [AlertRoute] = []
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

    /// A label matcher as Alertmanager writes them: `severity=critical`, `commune!=13063`, `alertname=~Link.*`.
    public struct Matcher: Sendable, Hashable, CustomStringConvertible {
        /// The comparison.
        public enum Operation: String, Sendable, Hashable {
            /// `=`: the label equals the value.
            case equal = "="
            /// `!=`: the label differs from the value.
            case notEqual = "!="
            /// `=~`: the label matches the regular expression (anchored).
            case matchesRegex = "=~"
            /// `!~`: the label does not match the regular expression (anchored).
            case doesNotMatchRegex = "!~"
        }

        /// The label name.
        public var name: String
        /// The comparison.
        public var operation: Operation
        /// The value or (for regex operations) the pattern, anchored at both ends as in Alertmanager.
        public var value: String

        /// Creates a matcher.
        public init(name: String, operation: Operation, value: String) {
            self.name = name
            self.operation = operation
            self.value = value
        }

        /// Parses `name<op>value`, the value optionally in double quotes; nil when malformed.
        public init?(parsing text: String) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let opIndex = trimmed.firstIndex(where: { $0 == "=" || $0 == "!" }) else { return nil }
            let name = trimmed[..<opIndex].trimmingCharacters(in: .whitespaces)
            var rest = trimmed[opIndex...]
            let operation: Operation
            if rest.hasPrefix("=~") {
                operation = .matchesRegex
            } else if rest.hasPrefix("!~") {
                operation = .doesNotMatchRegex
            } else if rest.hasPrefix("!=") {
                operation = .notEqual
            } else if rest.hasPrefix("=") {
                operation = .equal
            } else {
                return nil
            }
            rest = rest.dropFirst(operation.rawValue.count)
            var value = rest.trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard Self.isValidLabelName(name) else { return nil }
            self.init(name: name, operation: operation, value: value)
        }

        /// Whether `name` is a Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
        public static func isValidLabelName(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first,
                first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first)
            else { return false }
            return name.unicodeScalars.allSatisfy {
                $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
            }
        }

        /// Whether `labels` satisfy this matcher (a missing label is the empty string, as in Alertmanager).
        public func matches(_ labels: [String: String]) -> Bool {
            let actual = labels[self.name] ?? ""
            switch self.operation {
            case .equal: return actual == self.value
            case .notEqual: return actual != self.value
            case .matchesRegex, .doesNotMatchRegex:
                let matched = (try? Regex("^(?:" + self.value + ")$")).map { actual.wholeMatch(of: $0) != nil } ?? false
                return self.operation == .matchesRegex ? matched : !matched
            }
        }

        /// `name<op>value`.
        public var description: String { "\(self.name)\(self.operation.rawValue)\(self.value)" }
    }
}
