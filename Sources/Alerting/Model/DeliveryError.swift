/// An error of the alerting module: delivery, configuration of receivers, the outbox.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration, connectionFailed, timedOut, httpStatus, protocolViolation
            case tlsRequired, authenticationFailed, rejected, store, process, unknownReceiver, encoding, notLeader
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A receiver or rule is configured wrongly.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The connection could not be made or broke.
        public static let connectionFailed = Code(.connectionFailed)
        /// No answer in time.
        public static let timedOut = Code(.timedOut)
        /// The server answered with a status that is not 2xx.
        public static let httpStatus = Code(.httpStatus)
        /// The peer did not follow its protocol.
        public static let protocolViolation = Code(.protocolViolation)
        /// TLS was required but the server does not offer STARTTLS.
        public static let tlsRequired = Code(.tlsRequired)
        /// The SMTP server refused the credentials.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The peer refused the message permanently.
        public static let rejected = Code(.rejected)
        /// The alert store failed.
        public static let store = Code(.store)
        /// A shared store refused a leader's write: this replica no longer holds the lease (another one took over).
        public static let notLeader = Code(.notLeader)
        /// A child process (sendmail) failed.
        public static let process = Code(.process)
        /// No receiver of that name is configured.
        public static let unknownReceiver = Code(.unknownReceiver)
        /// A payload could not be encoded.
        public static let encoding = Code(.encoding)

        public var description: String { self.base.rawValue }
    }

    /// What failed.
    public var code: Code
    /// One sentence saying what happened.
    public var message: String
    /// Where: a receiver name, a URL, an SMTP reply, a notification id.
    public var context: String
    /// Whether trying again later may succeed (network errors, 5xx, 429, SMTP 4xx).
    public var isTransient: Bool
    /// How long the peer asked us to wait (`Retry-After`), if it did.
    public var retryAfter: Double?

    /// Creates an error.
    public init(code: Code, message: String, context: String = "", isTransient: Bool = false, retryAfter: Double? = nil)
    {
        self.code = code
        self.message = message
        self.context = context
        self.isTransient = isTransient
        self.retryAfter = retryAfter
    }

    public var description: String {
        self.context.isEmpty ? "\(self.code): \(self.message)" : "\(self.code): \(self.message) (\(self.context))"
    }
}
