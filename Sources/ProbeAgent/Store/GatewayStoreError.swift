/// A failure of the gateway store: opening, migrating, writing or reading the SQLite database.
public struct GatewayStoreError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The database file could not be opened or created.
        public static let open = Code("open")
        /// A schema migration failed.
        public static let migration = Code("migration")
        /// A write (insert, rollup, retention, outbox) failed.
        public static let write = Code("write")
        /// A read failed or returned a row that cannot be decoded.
        public static let read = Code("read")
        /// The database was written by a newer netmon whose schema this build does not know.
        public static let newerSchema = Code("newer-schema")
        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// One sentence: what went wrong and what to do.
    public var message: String
    /// The database file concerned.
    public var path: String
    /// The underlying error (a GRDB `DatabaseError` with SQLite's code and the SQL), if any.
    public var underlying: (any Error & Sendable)?

    public init(code: Code, message: String, path: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.underlying = underlying
    }

    public var description: String {
        var text = "\(path): \(message) [store.\(code)]"
        if let underlying { text += " (\(underlying))" }
        return text
    }
}
