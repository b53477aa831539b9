/// A packet that could not be decoded: what was wrong and at which byte offset.
public struct PacketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it was. Codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case truncated, badChecksum, unexpectedType, badVersion, badHeaderLength
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The packet is shorter than its header or its declared length.
        public static let truncated = Code(.truncated)
        /// The checksum does not verify.
        public static let badChecksum = Code(.badChecksum)
        /// The ICMP type is not the one the decoder handles.
        public static let unexpectedType = Code(.unexpectedType)
        /// The IP version nibble is not the expected one.
        public static let badVersion = Code(.badVersion)
        /// The IPv4 header length field is below 5 words or beyond the packet.
        public static let badHeaderLength = Code(.badHeaderLength)

        public var description: String { self.value.rawValue }
    }

    /// The kind of problem.
    public var code: Code
    /// One sentence about what is wrong.
    public var message: String
    /// Byte offset into the packet where the problem was found.
    public var offset: Int

    /// Creates an error.
    public init(_ code: Code, _ message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { "packet byte \(self.offset): \(self.message) [\(self.code)]" }
}
