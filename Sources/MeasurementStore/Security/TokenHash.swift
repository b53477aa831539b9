import Crypto
import Foundation

/// The SHA-256 digest of a bearer token. Tokens are stored and looked up by this digest only.
public struct TokenHash: Sendable, Hashable {
    /// 32 bytes.
    public let bytes: [UInt8]

    /// Hashes a secret token.
    public init(token: String) {
        self.bytes = Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// Restores a stored digest from lowercase or uppercase hex; nil unless exactly 64 hex digits.
    public init?(hex: String) {
        guard hex.utf8.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var high: UInt8? = nil
        for c in hex.utf8 {
            let v: UInt8
            switch c {
            case 48...57: v = c - 48
            case 97...102: v = c - 87
            case 65...70: v = c - 55
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        self.bytes = out
    }

    /// Lowercase hex, as stored.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares two digests in time independent of where they differ.
    public func constantTimeEquals(_ other: TokenHash) -> Bool {
        guard bytes.count == other.bytes.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<bytes.count { diff |= bytes[i] ^ other.bytes[i] }
        return diff == 0
    }

    /// A new random token: 32 random bytes as URL-safe base64 without padding, prefixed `nm_`.
    public static func generateToken() -> String {
        var rng = SystemRandomNumberGenerator()
        let raw = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let b64 = Data(raw).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "nm_" + b64
    }
}
