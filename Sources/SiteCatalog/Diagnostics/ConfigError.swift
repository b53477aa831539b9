/// Why a configuration could not be loaded: a code and every problem found, each with its position.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. A struct over a private enum so that codes can be added later.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case unreadable, unparsable, invalid
        }
        private let value: Value

        /// The file could not be read (missing, a folder, no permission, not UTF-8).
        public static let unreadable = Code(value: .unreadable)
        /// The file is not well-formed YAML; the diagnostic gives the position libyaml stopped at.
        public static let unparsable = Code(value: .unparsable)
        /// The file is YAML but breaks the schema or a rule; one diagnostic per problem.
        public static let invalid = Code(value: .invalid)

        /// `unreadable`, `unparsable` or `invalid`.
        public var description: String { self.value.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// Every problem found, in file order. Never empty.
    public var diagnostics: [Diagnostic]

    /// Creates an error from its code and diagnostics.
    public init(code: Code, diagnostics: [Diagnostic]) {
        self.code = code
        self.diagnostics = diagnostics
    }

    /// A summary line followed by one `path:line:column: message` line per problem.
    public var description: String {
        let count = self.diagnostics.count
        let head = "\(self.code): \(count) problem\(count == 1 ? "" : "s") in \(self.diagnostics.first?.path ?? "?")"
        return ([head] + self.diagnostics.map(\.description)).joined(separator: "\n")
    }
}
