/// The payload netmon puts in its echo requests, so a reply can be checked against the probe it answers:
/// bytes 0..<8 a per-run random nonce, 8..<16 the probe number (big-endian), then a fill pattern. Payloads
/// shorter than 16 bytes carry a pattern only and replies are matched by identifier and sequence alone.
public struct ProbePayload: Sendable, Hashable {
    /// Bytes needed for the cookie.
    public static let cookieLength = 16

    /// The per-run nonce.
    public var nonce: UInt64

    /// Creates a payload scheme with `nonce`.
    public init(nonce: UInt64) { self.nonce = nonce }

    /// Writes the payload for `probe` into `buffer` (its full length is the payload).
    public func write(probe: Int, into buffer: UnsafeMutableRawBufferPointer) {
        for index in 0..<buffer.count { buffer[index] = UInt8(truncatingIfNeeded: index &+ 0x20) }
        guard buffer.count >= Self.cookieLength else { return }
        for byte in 0..<8 {
            buffer[byte] = UInt8(truncatingIfNeeded: self.nonce >> (56 - 8 * UInt64(byte)))
            buffer[8 + byte] = UInt8(truncatingIfNeeded: UInt64(probe) >> (56 - 8 * UInt64(byte)))
        }
    }

    /// What a received payload says.
    public enum Reading: Sendable, Hashable {
        /// Too short to carry a cookie.
        case noCookie
        /// Ours, for this probe number.
        case probe(Int)
        /// Not ours (another run's or another program's nonce).
        case foreign
    }

    /// Reads the cookie of a received payload.
    public func read(_ payload: some Collection<UInt8>) -> Reading {
        guard payload.count >= Self.cookieLength else { return .noCookie }
        var nonce: UInt64 = 0
        var probe: UInt64 = 0
        for (offset, byte) in payload.prefix(Self.cookieLength).enumerated() {
            if offset < 8 { nonce = nonce << 8 | UInt64(byte) } else { probe = probe << 8 | UInt64(byte) }
        }
        guard nonce == self.nonce, probe <= UInt64(Int.max) else { return .foreign }
        return .probe(Int(probe))
    }
}
