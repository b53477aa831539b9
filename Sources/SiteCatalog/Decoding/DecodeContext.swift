import Foundation
import NetworkAddress
import Yams

/// Walks a composed YAML tree, collecting one diagnostic per problem instead of stopping at the first.
///
/// Every reader returns nil when the value is missing or wrong, having reported why; callers go on with the
/// rest of the document.
final class DecodeContext {
    /// The file name used in diagnostics.
    let file: String
    /// Everything reported so far.
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    // MARK: Reporting

    /// Reports `message` at `mark` for the document path `field`.
    func report(_ message: String, at mark: Mark?, field: String) {
        self.diagnostics.append(
            Diagnostic(
                path: self.file, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message, field: field))
    }

    /// Reports `message` at `located`.
    func report(_ message: String, at located: Located) {
        self.report(message, at: located.mark, field: located.path)
    }

    // MARK: Structure

    /// Reads a mapping, reporting unknown keys (with a suggestion), keys that are not strings and missing required
    /// keys. Nil when the node is not a mapping.
    func fields(_ located: Located?, _ what: String, required: [String], optional: [String] = []) -> Fields? {
        guard let located else { return nil }
        guard case .mapping(let mapping) = located.node else {
            self.report(
                "expected a mapping for \(Self.name(what, located)), found \(located.kindDescription)", at: located)
            return nil
        }
        let known = required + optional
        var entries: [String: (key: Node, value: Node)] = [:]
        var ordered: [String] = []
        for (keyNode, valueNode) in mapping {
            let keyLocated = Located(node: keyNode, path: located.path)
            guard case .scalar(let scalar) = keyNode else {
                self.report("keys of \(what) must be plain words, found \(keyLocated.kindDescription)", at: keyLocated)
                continue
            }
            let key = scalar.string
            if DuplicateKeyMask.isMask(key) { continue }  // a repeated key, reported when composing
            guard known.contains(key) else {
                var message = "unknown key `\(key)` in \(what)"
                if let suggestion = EditDistance.suggestion(for: key, among: known.filter { entries[$0] == nil }) {
                    message += "; did you mean `\(suggestion)`?"
                } else {
                    message += " (known keys: \(known.map { "`\($0)`" }.joined(separator: ", ")))"
                }
                self.report(message, at: keyNode.mark, field: located.appending(key: key))
                continue
            }
            entries[key] = (keyNode, valueNode)
            ordered.append(key)
        }
        for key in required where entries[key] == nil {
            self.report(
                "missing required key `\(key)` in \(what)", at: located.mark, field: located.appending(key: key))
        }
        return Fields(located: located, what: what, entries: entries, orderedKeys: ordered)
    }

    /// Reads a list; nil (reported) when the node is something else. A null node reads as an empty list.
    func list(_ located: Located?, _ what: String) -> [Located]? {
        guard let located else { return nil }
        switch located.node {
        case .sequence(let sequence):
            return sequence.enumerated().map { Located(node: $1, path: located.appending(index: $0)) }
        case .scalar where located.node.tagName == .null:
            return []
        default:
            self.report(
                "expected a list for \(Self.name(what, located)), found \(located.kindDescription)", at: located)
            return nil
        }
    }

    // MARK: Scalars

    /// A string scalar (quoted, or plain text that YAML does not read as a number, boolean or null).
    func string(_ located: Located?, nonEmpty: Bool = true) -> String? {
        guard let located else { return nil }
        guard case .scalar(let scalar) = located.node, located.node.tagName == .str else {
            self.report("expected a string for `\(located.path)`, found \(located.kindDescription)", at: located)
            return nil
        }
        if nonEmpty && scalar.string.trimmingCharacters(in: .whitespaces).isEmpty {
            self.report("`\(located.path)` must not be empty", at: located)
            return nil
        }
        return scalar.string
    }

    /// An integer within `range`.
    func int(_ located: Located?, in range: ClosedRange<Int> = Int.min...Int.max) -> Int? {
        guard let located else { return nil }
        guard located.node.tagName == .int, let value = located.node.int else {
            self.report("expected an integer for `\(located.path)`, found \(located.kindDescription)", at: located)
            return nil
        }
        guard range.contains(value) else {
            self.report("`\(located.path)` must be \(Self.describe(range)), found \(value)", at: located)
            return nil
        }
        return value
    }

    /// A number (integer or decimal) within `range`; `what` names the range in messages.
    func number(_ located: Located?, in range: ClosedRange<Double>? = nil, rangeText: String? = nil) -> Double? {
        guard let located else { return nil }
        let tag = located.node.tagName
        guard tag == .int || tag == .float, let value = located.node.float, value.isFinite else {
            self.report("expected a number for `\(located.path)`, found \(located.kindDescription)", at: located)
            return nil
        }
        if let range, !range.contains(value) {
            let text = rangeText ?? "between \(Self.format(range.lowerBound)) and \(Self.format(range.upperBound))"
            self.report("`\(located.path)` must be \(text), found \(Self.format(value))", at: located)
            return nil
        }
        return value
    }

    /// A boolean (`true`/`false`).
    func bool(_ located: Located?) -> Bool? {
        guard let located else { return nil }
        guard located.node.tagName == .bool, let value = located.node.bool else {
            self.report("expected true or false for `\(located.path)`, found \(located.kindDescription)", at: located)
            return nil
        }
        return value
    }

    /// A duration such as `500ms`, `30s`, `5m`, `4h`, `1h30m`; must be positive unless `allowZero`.
    func duration(_ located: Located?, allowZero: Bool = false) -> Duration? {
        guard let located else { return nil }
        let text: String
        switch located.node {
        case .scalar(let scalar) where located.node.tagName != .null: text = scalar.string
        default:
            self.report(
                "expected a duration for `\(located.path)` (e.g. 30s), found \(located.kindDescription)", at: located)
            return nil
        }
        guard let duration = DurationText.parse(text) else {
            self.report("`\(text)` is not a duration; write e.g. 500ms, 30s, 5m, 4h or 1h30m", at: located)
            return nil
        }
        guard allowZero || duration > .zero else {
            self.report("`\(located.path)` must be longer than zero", at: located)
            return nil
        }
        return duration
    }

    /// A list of non-empty strings.
    func stringList(_ located: Located?, _ what: String) -> [String]? {
        guard let items = self.list(located, what) else { return nil }
        let values = items.map { self.string($0) }
        return values.contains(where: { $0 == nil }) ? nil : values.compactMap { $0 }
    }

    /// One of `choices` (a string).
    func choice<T: RawRepresentable & CaseIterable>(_ located: Located?, _ type: T.Type) -> T?
    where T.RawValue == String {
        guard let located, let text = self.string(located) else { return nil }
        if let value = T(rawValue: text) { return value }
        let names = T.allCases.map(\.rawValue)
        var message = "`\(text)` is not one of \(names.map { "`\($0)`" }.joined(separator: ", ")) for `\(located.path)`"
        if let suggestion = EditDistance.suggestion(for: text, among: names) {
            message += "; did you mean `\(suggestion)`?"
        }
        self.report(message, at: located)
        return nil
    }

    // MARK: Addresses

    /// An IPv4 or IPv6 address.
    func address(_ located: Located?) -> IPAddress? {
        guard let located, let text = self.string(located) else { return nil }
        switch IPAddress.parse(text) {
        case .success(let address):
            return address
        case .failure(let error):
            self.report(error.description, at: located)
            return nil
        }
    }

    /// A network in CIDR notation with no host bits set.
    func network(_ located: Located?) -> IPNetwork? {
        guard let located, let text = self.string(located) else { return nil }
        switch IPNetwork.parse(text) {
        case .success(let network):
            return network
        case .failure(let error):
            self.report(error.description, at: located)
            return nil
        }
    }

    // MARK: Formatting

    /// `what \`path\``, or just `what` at the top of the document.
    static func name(_ what: String, _ located: Located) -> String {
        located.path.isEmpty ? what : "\(what) `\(located.path)`"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "at least \(range.lowerBound)" }
        if range.lowerBound == Int.min { return "at most \(range.upperBound)" }
        return "between \(range.lowerBound) and \(range.upperBound)"
    }
}
