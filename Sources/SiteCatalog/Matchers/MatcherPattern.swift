/// The regular expression of a `=~` / `!~` label matcher: checked, compiled once, evaluated with a bound.
///
/// Matchers come from sites.yaml routes and from viewers (`?match=` on the alert list, silences), so a pattern
/// must not be able to make the server spin: Swift's `Regex` engine backtracks, and `(a+)+$` against a long value
/// takes exponential time. Patterns are therefore refused (``MatcherError/Code/regexRefused``) when they are longer
/// than ``maximumLength`` bytes, use constructs RE2 (Alertmanager's engine) does not have (back references,
/// look-around, atomic groups, possessive quantifiers), put a quantifier on a group that itself contains a
/// quantifier or an alternation (nested quantifiers: `(a+)+`, `(a|aa)*`), use more than
/// ``maximumUnboundedQuantifiers`` unbounded quantifiers or ``maximumQuantifiers`` quantifiers in all, or repeat
/// more than ``maximumRepetition`` times. A value longer than ``maximumInputLength`` Unicode scalars is not
/// evaluated and never matches. As in Alertmanager, the whole value must match (the pattern is anchored at both
/// ends) and the pattern works on Unicode scalars, as RE2 works on code points.
public struct MatcherPattern: @unchecked Sendable {
    // @unchecked: `Regex` is not declared Sendable because a regex built from custom components may hold state.
    // This one is built from a pattern string only, is never mutated, and is compiled in `init` (the engine's lazy
    // compilation is itself thread-safe), so sharing it between tasks is safe.

    public static let maximumLength = 256
    public static let maximumQuantifiers = 6
    public static let maximumUnboundedQuantifiers = 3
    public static let maximumRepetition = 100
    public static let maximumInputLength = 256

    /// The pattern as written.
    public let source: String
    /// The compiled expression, matched against whole values.
    private let expression: Regex<AnyRegexOutput>

    /// Checks and compiles `pattern`; `matcher` (the matcher's text) is named in errors.
    public init(_ pattern: String, matcher: String) throws(MatcherError) {
        try Self.check(pattern, matcher: matcher)
        let expression: Regex<AnyRegexOutput>
        do {
            expression = try Regex("(?:\(pattern))").matchingSemantics(.unicodeScalar)
        } catch {
            throw MatcherError(
                code: .regexInvalid, message: "the regular expression does not compile: \(error)", matcher: matcher)
        }
        // Compile now, once, rather than on the first alert evaluated.
        _ = "".wholeMatch(of: expression)
        self.source = pattern
        self.expression = expression
    }

    /// Whether the whole of `text` matches (false for a value longer than ``maximumInputLength``).
    public func matches(_ text: String) -> Bool {
        guard text.unicodeScalars.count <= Self.maximumInputLength else { return false }
        return text.wholeMatch(of: self.expression) != nil
    }

    /// One open group while scanning: whether it holds a quantifier or an alternation so far.
    private struct Group {
        var isComplex = false
    }

    /// The last thing scanned that a quantifier could apply to.
    private enum Atom {
        case none
        case simple
        case group(isComplex: Bool)
        case quantifier
    }

    static func check(_ pattern: String, matcher: String) throws(MatcherError) {
        func refuse(_ why: String) -> MatcherError {
            MatcherError(code: .regexRefused, message: "regular expression refused: \(why)", matcher: matcher)
        }
        guard pattern.utf8.count <= Self.maximumLength else {
            throw refuse("longer than \(Self.maximumLength) bytes")
        }
        let characters = Array(pattern.unicodeScalars)
        var stack: [Group] = [Group()]
        var last = Atom.none
        var quantifiers = 0
        var unbounded = 0
        var index = 0
        func quantify(unboundedRepeat: Bool) throws(MatcherError) {
            switch last {
            case .none:
                throw refuse("a quantifier with nothing before it")
            case .quantifier:
                throw refuse("a quantifier on a quantifier (nested quantifiers)")
            case .group(let isComplex) where isComplex:
                throw refuse(
                    "a quantifier on a group that contains a quantifier or an alternation (nested quantifiers can "
                        + "take exponential time)")
            case .simple, .group:
                break
            }
            quantifiers += 1
            if unboundedRepeat { unbounded += 1 }
            guard quantifiers <= Self.maximumQuantifiers else {
                throw refuse("more than \(Self.maximumQuantifiers) quantifiers")
            }
            guard unbounded <= Self.maximumUnboundedQuantifiers else {
                throw refuse("more than \(Self.maximumUnboundedQuantifiers) unbounded quantifiers (*, +, {n,})")
            }
            stack[stack.count - 1].isComplex = true
            last = .quantifier
            // A lazy `?` after a quantifier changes its preference, not its cost; possessive `+` is not RE2.
            if index + 1 < characters.count {
                if characters[index + 1] == "?" {
                    index += 1
                } else if characters[index + 1] == "+" {
                    throw refuse("possessive quantifiers are not supported")
                }
            }
        }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\\":
                guard index + 1 < characters.count else { throw refuse("a trailing backslash") }
                let next = characters[index + 1]
                if ("1"..."9").contains(next) || next == "k" {
                    throw refuse("back references are not supported")
                }
                index += 1
                last = .simple
            case "[":
                // A character class, possibly with nested sets ([[a-z]&&[^b]]): one atom.
                var depth = 1
                index += 1
                if index < characters.count, characters[index] == "^" { index += 1 }
                if index < characters.count, characters[index] == "]" { index += 1 }
                while index < characters.count, depth > 0 {
                    switch characters[index] {
                    case "\\": index += 1
                    case "[": depth += 1
                    case "]": depth -= 1
                    default: break
                    }
                    if depth > 0 { index += 1 }
                }
                guard depth == 0 else { throw refuse("an unterminated character class") }
                last = .simple
            case "(":
                if index + 1 < characters.count, characters[index + 1] == "?" {
                    let rest = String(String.UnicodeScalarView(characters[(index + 2)...].prefix(3)))
                    if rest.hasPrefix("=") || rest.hasPrefix("!") || rest.hasPrefix("<=") || rest.hasPrefix("<!") {
                        throw refuse("look-around is not supported")
                    }
                    if rest.hasPrefix(">") { throw refuse("atomic groups are not supported") }
                    if rest.hasPrefix("#") { throw refuse("comments are not supported") }
                }
                stack.append(Group())
                last = .none
            case ")":
                guard stack.count > 1, let group = stack.popLast() else { throw refuse("an unbalanced ')'") }
                if group.isComplex { stack[stack.count - 1].isComplex = true }
                last = .group(isComplex: group.isComplex)
            case "|":
                stack[stack.count - 1].isComplex = true
                last = .none
            case "*", "+":
                try quantify(unboundedRepeat: true)
            case "?":
                if case .none = last, index > 0, characters[index - 1] == "(" {
                    // `(?:`, `(?i)`: a group flag, not a quantifier; the scan of "(" already refused the others.
                    index += 1
                    while index < characters.count, characters[index] != ":", characters[index] != ")" {
                        index += 1
                    }
                    if index < characters.count, characters[index] == ")" {
                        // `(?i)` alone: flags for the rest of the enclosing group; it opened no group.
                        _ = stack.popLast()
                        if stack.isEmpty { stack.append(Group()) }
                    }
                    last = .none
                } else {
                    try quantify(unboundedRepeat: false)
                }
            case "{":
                guard let close = characters[index...].firstIndex(of: "}") else {
                    last = .simple
                    break
                }
                let body = String(String.UnicodeScalarView(characters[(index + 1)..<close]))
                let parts = body.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
                guard let lower = Int(parts[0]) else {
                    last = .simple  // a literal brace
                    break
                }
                let upper = parts.count > 1 ? (parts[1].isEmpty ? nil : Int(parts[1])) : lower
                if parts.count > 1, !parts[1].isEmpty, upper == nil { throw refuse("a malformed {n,m}") }
                guard lower <= Self.maximumRepetition, (upper ?? 0) <= Self.maximumRepetition else {
                    throw refuse("a repetition count above \(Self.maximumRepetition)")
                }
                index = close
                try quantify(unboundedRepeat: upper == nil)
            default:
                last = .simple
            }
            index += 1
        }
        guard stack.count == 1 else { throw refuse("an unbalanced '('") }
    }
}
