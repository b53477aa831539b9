#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address as a small value type that hashes cheaply (two 64-bit words).
public struct IPAddress: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// v4 or v6.
    public let family: IPFamily
    /// For v6 the first 8 bytes; 0 for v4.
    public let high: UInt64
    /// For v6 the last 8 bytes; for v4 the 4 bytes in the low 32 bits.
    public let low: UInt64

    /// Creates an address from its bytes in network order (4 or 16 of them); nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4:
            self.family = .v4
            self.high = 0
            self.low = bytes.reduce(0) { $0 << 8 | UInt64($1) }
        case 16:
            self.family = .v6
            self.high = bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
            self.low = bytes.dropFirst(8).reduce(0) { $0 << 8 | UInt64($1) }
        default:
            return nil
        }
    }

    /// Parses a numeric address (`198.18.0.1`, `fd00::1`); nil when it is not one.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(bytes: withUnsafeBytes(of: &v4) { Array($0) })
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self.init(bytes: withUnsafeBytes(of: &v6) { Array($0) })
            return
        }
        return nil
    }

    /// The address bytes in network order.
    public var bytes: [UInt8] {
        switch self.family {
        case .v4: (0..<4).map { UInt8(truncatingIfNeeded: self.low >> (24 - 8 * $0)) }
        case .v6:
            (0..<8).map { UInt8(truncatingIfNeeded: self.high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: self.low >> (56 - 8 * $0)) }
        }
    }

    /// Whether it is 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        switch self.family {
        case .v4: self.low >> 24 == 127
        case .v6: self.high == 0 && self.low == 1
        }
    }

    /// The conventional text form (inet_ntop).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: 64)
        var bytes = self.bytes
        let family = self.family == .v4 ? AF_INET : AF_INET6
        _ = inet_ntop(family, &bytes, &buffer, socklen_t(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.family == .v4 ? 0 : 1, lhs.high, lhs.low) < (rhs.family == .v4 ? 0 : 1, rhs.high, rhs.low)
    }

    /// Fills a `sockaddr_storage` for this address and `port`, returning its length.
    public func socketAddress(port: UInt16 = 0) -> (sockaddr_storage, socklen_t) {
        var storage = sockaddr_storage()
        let bytes = self.bytes
        switch self.family {
        case .v4:
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_port = port.bigEndian
                withUnsafeMutableBytes(of: &address.pointee.sin_addr) { $0.copyBytes(from: bytes) }
            }
            return (storage, socklen_t(MemoryLayout<sockaddr_in>.size))
        case .v6:
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = port.bigEndian
                withUnsafeMutableBytes(of: &address.pointee.sin6_addr) { $0.copyBytes(from: bytes) }
            }
            return (storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
    }

    /// Reads the address out of a `sockaddr_storage` filled by the kernel; nil for other families.
    public init?(socketAddress storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let bytes = withUnsafeBytes(of: &storage) { raw in
                withUnsafeBytes(of: raw.load(as: sockaddr_in.self).sin_addr) { Array($0) }
            }
            self.init(bytes: bytes)
        case AF_INET6:
            let bytes = withUnsafeBytes(of: &storage) { raw in
                withUnsafeBytes(of: raw.load(as: sockaddr_in6.self).sin6_addr) { Array($0) }
            }
            self.init(bytes: bytes)
        default:
            return nil
        }
    }
}
