/// An IPv4 or IPv6 address as a compact value: IPv4 is stored IPv4-mapped (`::ffff:a.b.c.d`).
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The high 64 bits of the 128-bit (IPv6 or IPv4-mapped) address.
    public var high: UInt64
    /// The low 64 bits.
    public var low: UInt64

    /// An address from its 128 bits.
    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// An IPv4 address from its 32 bits in host order (`0x0A210001` is 10.33.0.1).
    @inlinable
    public init(ipv4 value: UInt32) {
        self.high = 0
        self.low = 0xFFFF_0000_0000 | UInt64(value)
    }

    /// Whether this is an IPv4 address.
    @inlinable
    public var isIPv4: Bool { self.high == 0 && self.low >> 32 == 0xFFFF }

    /// The IPv4 address's 32 bits, or nil for IPv6.
    @inlinable
    public var ipv4Value: UInt32? { self.isIPv4 ? UInt32(truncatingIfNeeded: self.low) : nil }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with `::` compression and an embedded IPv4 tail).
    public init?(_ text: some StringProtocol) {
        if let v4 = Self.parseIPv4(Substring(text)) {
            self.init(ipv4: v4)
        } else if let (high, low) = Self.parseIPv6(Substring(text)) {
            self.init(high: high, low: low)
        } else {
            return nil
        }
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    public var description: String {
        if let v4 = self.ipv4Value {
            return "\(v4 >> 24).\(v4 >> 16 & 0xFF).\(v4 >> 8 & 0xFF).\(v4 & 0xFF)"
        }
        var groups: [UInt16] = []
        for word in [self.high, self.low] {
            for shift in stride(from: 48, through: 0, by: -16) {
                groups.append(UInt16(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        // RFC 5952: compress the longest run (length ≥ 2) of zero groups, the first one on ties.
        var bestStart = -1, bestLength = 0, index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength && end - index >= 2 { bestStart = index; bestLength = end - index }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ slice: ArraySlice<UInt16>) -> String { slice.map { String($0, radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(groups[...]) }
        return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
    }

    private static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    private static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        guard text.contains(":") else { return nil }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if i == pieces.count - 1, piece.contains("."), let v4 = parseIPv4(piece) {
                    result.append(UInt16(v4 >> 16))
                    result.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard !piece.isEmpty, piece.count <= 4, let g = UInt16(piece, radix: 16) else { return nil }
                    result.append(g)
                }
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all: [UInt16]
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { return nil }
            all = head
        }
        var high: UInt64 = 0, low: UInt64 = 0
        for g in all[0..<4] { high = high << 16 | UInt64(g) }
        for g in all[4..<8] { low = low << 16 | UInt64(g) }
        return (high, low)
    }
}
