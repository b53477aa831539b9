/// Why a label matcher was refused: its syntax, its label name, or its regular expression.
public struct MatcherError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. A struct over a private enum so that codes can be added later.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case syntax, labelName, regexRefused, regexInvalid
        }
        private let value: Value

        /// Not `name<op>value`, or a double quote in the value that is not escaped.
        public static let syntax = Code(value: .syntax)
        /// The label name is not `[a-zA-Z_][a-zA-Z0-9_]*`.
        public static let labelName = Code(value: .labelName)
        /// The regular expression breaks a safety bound of ``MatcherPattern``.
        public static let regexRefused = Code(value: .regexRefused)
        /// The regular expression does not compile.
        public static let regexInvalid = Code(value: .regexInvalid)

        public var description: String { self.value.rawValue }
    }

    /// What kind of problem this is.
    public var code: Code
    /// One sentence: what is wrong.
    public var message: String
    /// The matcher as written.
    public var matcher: String

    public init(code: Code, message: String, matcher: String) {
        self.code = code
        self.message = message
        self.matcher = matcher
    }

    /// `` `matcher`: message ``.
    public var description: String { "`\(self.matcher)`: \(self.message)" }
}
