import Foundation

/// One label matcher as Alertmanager writes it: `name=value`, `name!=value`, `name=~regex`, `name!~regex`.
///
/// Regular expressions are anchored at both ends, as in Alertmanager.
public struct LabelMatcher: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How the value is compared.
    public enum Operator: String, Sendable, Hashable, Codable {
        case equal = "="
        case notEqual = "!="
        case matchesRegex = "=~"
        case notMatchesRegex = "!~"
    }

    public var name: String
    public var op: Operator
    public var value: String

    /// Creates a matcher; throws when a regular expression does not compile.
    public init(name: String, op: Operator, value: String) throws(DeliveryError) {
        self.name = name
        self.op = op
        self.value = value
        if op == .matchesRegex || op == .notMatchesRegex {
            do {
                _ = try NSRegularExpression(pattern: "^(?:\(value))$")
            } catch {
                throw DeliveryError(
                    code: .invalidConfiguration, message: "the matcher's regular expression does not compile",
                    context: "\(name)\(op.rawValue)\(value)")
            }
        }
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
        case .matchesRegex: return Self.fullMatch(self.value, actual)
        case .notMatchesRegex: return !Self.fullMatch(self.value, actual)
        }
    }

    public var description: String {
        let escaped = self.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
            of: "\"", with: "\\\"")
        return "\(self.name)\(self.op.rawValue)\"\(escaped)\""
    }

    private static func fullMatch(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

extension Array where Element == LabelMatcher {
    /// Whether every matcher matches.
    public func matches(_ labels: [String: String]) -> Bool { self.allSatisfy { $0.matches(labels) } }
}
