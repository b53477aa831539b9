/// A lab operation (namespace, sysctl, responder) that failed: a code, one sentence, and context.
public struct LabError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }
        /// A command (`ip`, `nft`, `sysctl`) exited non-zero.
        public static let commandFailed = Code("commandFailed")
        /// A socket could not be opened or configured.
        public static let socketFailed = Code("socketFailed")
        /// A kernel setting could not be written.
        public static let sysctlFailed = Code("sysctlFailed")
        /// An argument (lab name, commune code, impairment value) is not acceptable.
        public static let invalidArgument = Code("invalidArgument")
        /// The caller lacks the privileges the lab needs (root).
        public static let notPermitted = Code("notPermitted")
        /// The lab, or a commune of it, does not exist.
        public static let notFound = Code("notFound")
        /// The lab's state on disk or in the kernel is not what was expected.
        public static let invalidState = Code("invalidState")
        public var description: String { self.value }
    }

    /// The kind of problem.
    public var code: Code
    /// One sentence.
    public var message: String
    /// What it was about.
    public var context: String

    /// Creates an error.
    public init(_ code: Code, _ message: String, context: String = "") {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String { self.context.isEmpty ? self.message : "\(self.context): \(self.message)" }
}
