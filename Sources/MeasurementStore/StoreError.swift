/// An error from the province store: a code, a message and where (backend, statement).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        /// The database location string could not be understood.
        public static let badLocation = Code("bad-location")
        /// The database could not be opened or reached.
        public static let unavailable = Code("unavailable")
        /// A migration failed.
        public static let migration = Code("migration")
        /// A store setting (such as retention) is out of range.
        public static let badSetting = Code("bad-setting")
        /// A statement failed.
        public static let statement = Code("statement")
        /// Stored data could not be read back.
        public static let corrupt = Code("corrupt")
        /// A fenced write by a replica that no longer holds the leader lease.
        public static let notLeader = Code("not-leader")
    }

    public var code: Code
    public var message: String
    /// Backend and statement or row, e.g. `postgres: INSERT INTO probe_round`.
    public var context: String

    public init(_ code: Code, _ message: String, context: String = "") {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        context.isEmpty ? "\(message) [\(code)]" : "\(context): \(message) [\(code)]"
    }
}
