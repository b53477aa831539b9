import Foundation

/// One label matcher as Alertmanager writes it: `name=value`, `name!=value`, `name=~regex`, `name!~regex`.
///
/// Regular expressions are anchored at both ends, as in Alertmanager, compiled once when the matcher is made, and
/// checked and bounded by ``MatcherPattern`` (viewers supply matchers through `?match=` and silences).
public struct LabelMatcher: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How the value is compared.
    public enum Operator: String, Sendable, Hashable, Codable {
        case equal = "="
        case notEqual = "!="
        case matchesRegex = "=~"
        case notMatchesRegex = "!~"
    }

    public let name: String
    public let op: Operator
    public let value: String
    /// The compiled expression of `=~` and `!~` (nil for the others, and for a stored pattern that is now refused,
    /// which then matches no value).
    let pattern: MatcherPattern?

    private enum CodingKeys: String, CodingKey {
        case name, op, value
    }

    /// Creates a matcher; throws when a regular expression does not compile or is refused by ``MatcherPattern``.
    public init(name: String, op: Operator, value: String) throws(DeliveryError) {
        self.name = name
        self.op = op
        self.value = value
        if op == .matchesRegex || op == .notMatchesRegex {
            self.pattern = try MatcherPattern(value, context: "\(name)\(op.rawValue)\(value)")
        } else {
            self.pattern = nil
        }
    }

    /// Decodes a stored matcher. A regular expression refused by today's checks (stored by an older version)
    /// does not fail the whole decoding (a snapshot, a route): its `=~` matches nothing and its `!~` everything.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decode(String.self, forKey: .name)
        self.op = try container.decode(Operator.self, forKey: .op)
        self.value = try container.decode(String.self, forKey: .value)
        if self.op == .matchesRegex || self.op == .notMatchesRegex {
            self.pattern = try? MatcherPattern(self.value, context: self.value)
        } else {
            self.pattern = nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.op, forKey: .op)
        try container.encode(self.value, forKey: .value)
    }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.name == rhs.name && lhs.op == rhs.op && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.name)
        hasher.combine(self.op)
        hasher.combine(self.value)
    }

    /// Parses `name=value`, `name!="value"`, `name=~"re.*"`, …
    public init(parsing text: String) throws(DeliveryError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let scalars = Array(trimmed)
        guard let index = scalars.firstIndex(where: { $0 == "=" || $0 == "!" }), index > 0 else {
            throw DeliveryError(
                code: .invalidConfiguration,
                message: "a matcher must look like name=value, name!=value, name=~re or name!~re",
                context: text)
        }
        let name = String(scalars[..<index]).trimmingCharacters(in: .whitespaces)
        let rest = String(scalars[index...])
        let op: Operator
        if rest.hasPrefix("=~") {
            op = .matchesRegex
        } else if rest.hasPrefix("!~") {
            op = .notMatchesRegex
        } else if rest.hasPrefix("!=") {
            op = .notEqual
        } else if rest.hasPrefix("=") {
            op = .equal
        } else {
            throw DeliveryError(code: .invalidConfiguration, message: "unknown matcher operator", context: text)
        }
        var value = String(rest.dropFirst(op.rawValue.count)).trimmingCharacters(in: .whitespaces)
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            value = String(value.dropFirst().dropLast())
                .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw DeliveryError(
                code: .invalidConfiguration, message: "label names are letters, digits and _", context: text)
        }
        try self.init(name: name, op: op, value: value)
    }

    /// Whether a label set satisfies the matcher (a missing label has the value "").
    public func matches(_ labels: [String: String]) -> Bool {
        let actual = labels[self.name] ?? ""
        switch self.op {
        case .equal: return actual == self.value
        case .notEqual: return actual != self.value
        case .matchesRegex: return self.pattern?.matches(actual) ?? false
        case .notMatchesRegex: return !(self.pattern?.matches(actual) ?? false)
        }
    }

    public var description: String {
        let escaped = self.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
            of: "\"", with: "\\\"")
        return "\(self.name)\(self.op.rawValue)\"\(escaped)\""
    }
}

extension Array where Element == LabelMatcher {
    /// Whether every matcher matches.
    public func matches(_ labels: [String: String]) -> Bool { self.allSatisfy { $0.matches(labels) } }
}
