#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address, parsed strictly (dotted quad without leading zeros; RFC 4291 text for IPv6).
enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address as a host-order integer.
    case v4(UInt32)
    /// An IPv6 address as a host-order integer.
    case v6(UInt128)

    /// Parses `text`; nil when it is not an address of either family.
    init?(_ text: String) {
        if text.contains(":") {
            var raw = in6_addr()
            guard inet_pton(AF_INET6, text, &raw) == 1 else { return nil }
            let bytes = withUnsafeBytes(of: raw) { Array($0) }
            self = .v6(bytes.reduce(UInt128(0)) { ($0 << 8) | UInt128($1) })
        } else {
            var raw = in_addr()
            guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
            self = .v4(UInt32(bigEndian: raw.s_addr))
        }
    }

    /// 32 for IPv4, 128 for IPv6.
    var bitWidth: Int {
        switch self {
        case .v4: 32
        case .v6: 128
        }
    }

    /// Whether this is an IPv6 address.
    var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }

    /// The address as 128 bits, IPv4 in the low 32: for arithmetic shared by both families.
    var bits: UInt128 {
        switch self {
        case .v4(let value): UInt128(value)
        case .v6(let value): value
        }
    }

    /// An address of the same family from `bits`.
    func sameFamily(bits: UInt128) -> IPAddress {
        switch self {
        case .v4: .v4(UInt32(truncatingIfNeeded: bits))
        case .v6: .v6(bits)
        }
    }

    /// The canonical text form (`10.33.0.1`, `fd33::1`).
    var description: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xff) }.joined(separator: ".")
        case .v6(let value):
            var raw = in6_addr()
            withUnsafeMutableBytes(of: &raw) { buffer in
                for index in 0..<16 {
                    buffer[index] = UInt8(truncatingIfNeeded: value >> UInt128(8 * (15 - index)))
                }
            }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil else { return "::" }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
