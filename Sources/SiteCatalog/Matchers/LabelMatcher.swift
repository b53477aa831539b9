/// One label matcher as Alertmanager writes it: `name=value`, `name!=value`, `name=~regex`, `name!~regex`.
///
/// The one matcher of netmon: sites.yaml routes, `?match=` on the alert list, silences and the CLI all parse with
/// ``init(parsing:)``. The value may be in double quotes; inside it `\"`, `\\` and `\n` stand for a quote, a
/// backslash and a newline, and any other backslash stays as written (so `\d` reaches the regular expression).
/// Regular expressions are checked and compiled once, when the matcher is made (``MatcherPattern``), and must
/// match the whole value, as in Alertmanager.
public struct LabelMatcher: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How the value is compared.
    public enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case matchesRegex = "=~"
        case notMatchesRegex = "!~"

        /// Whether the value is a regular expression.
        public var isRegex: Bool { self == .matchesRegex || self == .notMatchesRegex }
    }

    public let name: String
    public let op: Operator
    /// The value, or the pattern of `=~` and `!~`, unescaped.
    public let value: String
    /// The compiled expression of `=~` and `!~` (nil for the others, and for a stored pattern that is now refused,
    /// which then matches no value).
    let pattern: MatcherPattern?

    private enum CodingKeys: String, CodingKey {
        case name, op, value
    }

    /// Creates a matcher; throws when the name is not a label name or a regular expression does not compile or is
    /// refused by ``MatcherPattern``.
    public init(name: String, op: Operator, value: String) throws(MatcherError) {
        let text = Self.text(name: name, op: op, value: value)
        guard Self.isValidLabelName(name) else {
            throw MatcherError(
                code: .labelName, message: "a label name is letters, digits and _, not starting with a digit",
                matcher: text)
        }
        self.name = name
        self.op = op
        self.value = value
        self.pattern = op.isRegex ? try MatcherPattern(value, matcher: text) : nil
    }

    /// Parses `name=value`, `name!="value"`, `name=~"re.*"`, … (spaces around the name, operator and value are
    /// ignored).
    public init(parsing text: String) throws(MatcherError) {
        func syntax(_ message: String) -> MatcherError { MatcherError(code: .syntax, message: message, matcher: text) }
        let scalars = Array(text.unicodeScalars)
        guard let opIndex = scalars.firstIndex(where: { $0 == "=" || $0 == "!" }) else {
            throw syntax("a matcher looks like name=value, name!=value, name=~regex or name!~regex")
        }
        let name = String(String.UnicodeScalarView(scalars[..<opIndex])).trimmingSpaces()
        let rest = scalars[opIndex...]
        guard
            let op = Operator.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count }).first(where: {
                rest.starts(with: $0.rawValue.unicodeScalars)
            })
        else {
            throw syntax("unknown operator; use =, !=, =~ or !~")
        }
        let raw = String(String.UnicodeScalarView(rest.dropFirst(op.rawValue.unicodeScalars.count))).trimmingSpaces()
        try self.init(name: name, op: op, value: try Self.unescape(raw, error: syntax))
    }

    /// The value as written, quotes and escapes removed.
    private static func unescape(
        _ raw: String, error: (String) -> MatcherError
    ) throws(MatcherError) -> String {
        var scalars = Array(raw.unicodeScalars)
        let quoted = scalars.first == "\""
        if quoted {
            guard scalars.count >= 2, scalars.last == "\"" else { throw error("the value's closing quote is missing") }
            scalars = Array(scalars.dropFirst().dropLast())
        }
        var value = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "\"" {
                throw error("a double quote inside the value must be written \\\"")
            }
            guard scalar == "\\", index < scalars.count else {
                value.append(scalar)
                continue
            }
            let next = scalars[index]
            index += 1
            switch next {
            case "n": value.append("\n")
            case "\"", "\\": value.append(next)
            default: value.append(contentsOf: ["\\", next])
            }
        }
        return String(value)
    }

    /// Whether `name` is a Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isValidLabelName(_ name: String) -> Bool {
        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        }
        guard let first = name.unicodeScalars.first, isLetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }

    /// Decodes a stored matcher. A regular expression refused by today's checks (stored by an older version)
    /// does not fail the whole decoding (a snapshot, a route): its `=~` matches nothing and its `!~` everything.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decode(String.self, forKey: .name)
        self.op = try container.decode(Operator.self, forKey: .op)
        self.value = try container.decode(String.self, forKey: .value)
        self.pattern =
            self.op.isRegex
            ? try? MatcherPattern(self.value, matcher: Self.text(name: name, op: op, value: value)) : nil
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

    /// Whether a label set satisfies the matcher (a missing label has the value "", as in Alertmanager).
    public func matches(_ labels: [String: String]) -> Bool {
        let actual = labels[self.name] ?? ""
        switch self.op {
        case .equal: return actual == self.value
        case .notEqual: return actual != self.value
        case .matchesRegex: return self.pattern?.matches(actual) ?? false
        case .notMatchesRegex: return !(self.pattern?.matches(actual) ?? false)
        }
    }

    /// `name<op>"value"`, escaped so that ``init(parsing:)`` reads it back.
    public var description: String { Self.text(name: self.name, op: self.op, value: self.value) }

    private static func text(name: String, op: Operator, value: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\", "\"": escaped.append(contentsOf: ["\\", scalar])
            case "\n": escaped.append(contentsOf: ["\\", "n"])
            default: escaped.append(scalar)
            }
        }
        return "\(name)\(op.rawValue)\"\(escaped)\""
    }
}

extension Array where Element == LabelMatcher {
    /// Whether every matcher matches.
    public func matches(_ labels: [String: String]) -> Bool { self.allSatisfy { $0.matches(labels) } }
}

extension String {
    /// Without the spaces and tabs at either end.
    fileprivate func trimmingSpaces() -> String {
        let scalars = self.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[first...last])
    }
}
