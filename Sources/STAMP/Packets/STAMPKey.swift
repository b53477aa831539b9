import Crypto
import Foundation

/// The shared key of an authenticated STAMP session and the packet HMAC it makes: HMAC-SHA-256 truncated to its
/// first 16 octets (RFC 8762 §4.2.2, as RFC 4868 truncates it for IPsec), over every octet of the base packet before
/// the HMAC field (the first 96 of the 112). How the key reaches both ends is outside STAMP; netmon reads it from a
/// file (`--key-file`).
public struct STAMPKey: Sendable {
    /// Octets of the HMAC field.
    public static let hmacLength = 16
    /// The shortest key accepted (128 bits).
    public static let minimumLength = 16

    private let storage: Storage

    /// The key, made once. `@unchecked Sendable`: SymmetricKey is immutable after its init (this version of
    /// swift-crypto does not mark it Sendable), and only read here.
    private final class Storage: @unchecked Sendable {
        let key: SymmetricKey
        init(_ key: SymmetricKey) { self.key = key }
    }

    /// A key from its bytes; nil when shorter than `minimumLength`.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= Self.minimumLength else { return nil }
        self.storage = Storage(SymmetricKey(data: bytes))
    }

    /// The truncated HMAC of `bytes`.
    public func hmac(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let code = HMAC<SHA256>.authenticationCode(for: bytes, using: self.storage.key)
        return Array(code.prefix(Self.hmacLength))
    }

    /// Writes the HMAC of `bytes[0..<offset]` into `bytes[offset..<offset + 16]`.
    func sign(_ bytes: UnsafeMutableRawBufferPointer, hmacOffset offset: Int) {
        let code = self.hmac(UnsafeRawBufferPointer(rebasing: bytes[0..<offset]))
        for index in 0..<Self.hmacLength { bytes[offset + index] = code[index] }
    }

    /// Whether `bytes[offset..<offset + 16]` is the HMAC of `bytes[0..<offset]`, compared in constant time.
    func verify(_ bytes: UnsafeRawBufferPointer, hmacOffset offset: Int) -> Bool {
        let code = self.hmac(UnsafeRawBufferPointer(rebasing: bytes[0..<offset]))
        var difference: UInt8 = 0
        for index in 0..<Self.hmacLength { difference |= code[index] ^ bytes[offset + index] }
        return difference == 0
    }
}
