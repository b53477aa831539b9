/// Why reading signal reports failed, with where it happened.
public struct ReportReadError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, as a stable code that can gain new values.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { self.name }
        /// The file could not be opened or read.
        public static let io = Code("io")
        /// The header lacks a required column or cannot be read.
        public static let badHeader = Code("bad-header")
        /// A row could not be turned into a report (only thrown in strict mode).
        public static let badRow = Code("bad-row")
        /// A record is longer than the reader's limit (an unterminated quote, usually).
        public static let recordTooLong = Code("record-too-long")
        /// The document is not the JSON it should be.
        public static let badJSON = Code("bad-json")
        /// No preset of that name exists.
        public static let unknownPreset = Code("unknown-preset")
        /// A time zone that is neither an IANA name, UTC nor an offset.
        public static let badTimeZone = Code("bad-time-zone")
    }

    public var code: Code
    public var message: String
    /// The file, if known.
    public var file: String?
    /// The 1-based row (line) of the file, the header being row 1, if the error is about a row.
    public var row: Int?

    public init(code: Code, message: String, file: String? = nil, row: Int? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.row = row
    }

    public var description: String {
        var place = self.file ?? ""
        if let row = self.row { place += place.isEmpty ? "row \(row)" : ":\(row)" }
        return place.isEmpty ? self.message : "\(place): \(self.message)"
    }
}
