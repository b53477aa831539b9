/// A STAMP test packet that could not be decoded or verified: what was wrong and at which byte offset.
public struct STAMPPacketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it was. Codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case truncated, badHMAC, badErrorEstimate, badTLV
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Shorter than the base packet of its mode (44 octets unauthenticated, 112 authenticated).
        public static let truncated = Code(.truncated)
        /// The HMAC of an authenticated packet does not verify with the session's key.
        public static let badHMAC = Code(.badHMAC)
        /// The Error Estimate's multiplier is zero, which RFC 4656 §4.1.2 forbids (the packet is corrupt).
        public static let badErrorEstimate = Code(.badErrorEstimate)
        /// A TLV after the base packet runs past the end of the packet (RFC 8972 §4).
        public static let badTLV = Code(.badTLV)

        public var description: String { self.value.rawValue }
    }

    /// The kind of problem.
    public var code: Code
    /// One sentence about what is wrong.
    public var message: String
    /// Byte offset into the UDP payload where the problem was found.
    public var offset: Int

    /// Creates an error.
    public init(_ code: Code, _ message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { "STAMP packet byte \(self.offset): \(self.message) [\(self.code)]" }
}
