/// Why probing could not start or go on: a code, one sentence saying what to do, and context.
public struct ProbeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it was. Codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case permissionDenied, socketFailed, sendFailed, resolveFailed, invalidArgument, namespaceFailed
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Neither an ICMP datagram socket nor a raw socket may be opened.
        public static let permissionDenied = Code(.permissionDenied)
        /// A socket call failed for another reason.
        public static let socketFailed = Code(.socketFailed)
        /// sendto failed.
        public static let sendFailed = Code(.sendFailed)
        /// A name did not resolve.
        public static let resolveFailed = Code(.resolveFailed)
        /// A parameter is out of range.
        public static let invalidArgument = Code(.invalidArgument)
        /// Entering a network namespace failed.
        public static let namespaceFailed = Code(.namespaceFailed)

        public var description: String { self.value.rawValue }
    }

    /// The kind of problem.
    public var code: Code
    /// One sentence saying what went wrong and what to change.
    public var message: String
    /// What it was about (a target, a system call), may be empty.
    public var context: String
    /// errno when a system call failed.
    public var errno: Int32?

    /// Creates an error.
    public init(_ code: Code, _ message: String, context: String = "", errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.errno = errno
    }

    public var description: String { self.context.isEmpty ? self.message : "\(self.context): \(self.message)" }
}
