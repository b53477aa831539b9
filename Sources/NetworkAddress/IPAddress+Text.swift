/// Text forms: strict parsing (the rules of glibc's `inet_pton`, which the tests check it against) and the canonical
/// form (dotted quad; RFC 5952 for IPv6).
extension IPAddress: CustomStringConvertible {
    /// Parses a dotted quad (four decimal bytes, no leading zeros) or RFC 4291 IPv6 text (`::` compression, an
    /// embedded dotted quad in the last 32 bits); nil for anything else, including any space or sign.
    public init?(_ text: some StringProtocol) {
        guard case .success(let address) = Self.parse(text) else { return nil }
        self = address
    }

    /// Parses `text` as ``init(_:)`` does, saying what is wrong when it is not an address.
    public static func parse(_ text: some StringProtocol) -> Result<IPAddress, AddressParseError> {
        var copy = String(text)
        let parsed: IPAddress? = copy.withUTF8 { bytes in
            if bytes.contains(UInt8(ascii: ":")) {
                return Self.parseIPv6(bytes).map { IPAddress(high: $0.high, low: $0.low) }
            }
            return Self.parseIPv4(bytes[...]).map(IPAddress.init(ipv4:))
        }
        guard let parsed else { return .failure(AddressParseError(.notAnAddress, text: String(text))) }
        return .success(parsed)
    }

    /// Four decimal bytes separated by dots: no leading zeros, nothing else.
    static func parseIPv4(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var octets = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits > 0 && octet == 0 { return nil }  // a leading zero
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                guard octet <= 255 else { return nil }
                digits += 1
            case UInt8(ascii: "."):
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | octet
                octets += 1
                octet = 0
                digits = 0
            default:
                return nil
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        return value << 8 | octet
    }

    /// RFC 4291 text: up to eight groups of one to four hex digits, at most one `::`, and a dotted quad in place of
    /// the last two groups.
    static func parseIPv6(_ bytes: UnsafeBufferPointer<UInt8>) -> (high: UInt64, low: UInt64)? {
        var groups: (UInt64, UInt64) = (0, 0)  // the groups so far, in order, as a 128-bit shift register
        var count = 0  // groups read
        var gap: Int?  // groups before the `::`
        var group: UInt64 = 0
        var digits = 0
        var index = bytes.startIndex
        func append(_ value: UInt64, bits: UInt64) {
            groups = (groups.0 << bits | groups.1 >> (64 - bits), groups.1 << bits | value)
        }
        // A leading `::` is the only place where a colon may start the text.
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") {
            guard index + 1 < bytes.endIndex, bytes[index + 1] == UInt8(ascii: ":") else { return nil }
            index += 1
        }
        var groupStart = index
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            if let digit = Self.hexValue(byte) {
                guard digits < 4 else { return nil }
                group = group << 4 | UInt64(digit)
                digits += 1
            } else if byte == UInt8(ascii: ":") {
                groupStart = index
                if digits == 0 {
                    guard gap == nil else { return nil }
                    gap = count
                    continue
                }
                guard index < bytes.endIndex, count < 8 else { return nil }  // no trailing single colon
                append(group, bits: 16)
                count += 1
                group = 0
                digits = 0
            } else if byte == UInt8(ascii: "."), count <= 6,
                let v4 = Self.parseIPv4(bytes[groupStart..<bytes.endIndex])
            {
                append(UInt64(v4), bits: 32)
                count += 2
                digits = 0
                index = bytes.endIndex
                break
            } else {
                return nil
            }
        }
        if digits > 0 {
            guard count < 8 else { return nil }
            append(group, bits: 16)
            count += 1
        }
        if let gap {
            guard count < 8 else { return nil }  // `::` stands for at least one group
            // Move the groups after the gap to the end: shift the whole register left by the missing groups, then
            // put the groups before the gap back in place.
            let missing = UInt64(8 - count)
            let tailGroups = count - gap
            let tail = Self.lowBits(groups, count: UInt64(tailGroups) * 16)
            let head = Self.shiftRight(groups, by: UInt64(tailGroups) * 16)
            let placedHead = Self.shiftLeft(head, by: (missing + UInt64(tailGroups)) * 16)
            return (placedHead.0 | tail.0, placedHead.1 | tail.1)
        }
        guard count == 8 else { return nil }
        return groups
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func shiftLeft(_ value: (UInt64, UInt64), by bits: UInt64) -> (UInt64, UInt64) {
        if bits == 0 { return value }
        if bits >= 128 { return (0, 0) }
        if bits >= 64 { return (value.1 << (bits - 64), 0) }
        return (value.0 << bits | value.1 >> (64 - bits), value.1 << bits)
    }

    private static func shiftRight(_ value: (UInt64, UInt64), by bits: UInt64) -> (UInt64, UInt64) {
        if bits == 0 { return value }
        if bits >= 128 { return (0, 0) }
        if bits >= 64 { return (0, value.0 >> (bits - 64)) }
        return (value.0 >> bits, value.1 >> bits | value.0 << (64 - bits))
    }

    private static func lowBits(_ value: (UInt64, UInt64), count bits: UInt64) -> (UInt64, UInt64) {
        let cleared = Self.shiftRight(Self.shiftLeft(value, by: 128 - bits), by: 128 - bits)
        return bits == 0 ? (0, 0) : cleared
    }

    /// The canonical text: a dotted quad for IPv4, RFC 5952 for IPv6 (lower case, the longest run of two or more
    /// zero groups compressed, the first on ties).
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
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength && end - index >= 2 {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ slice: ArraySlice<UInt16>) -> String { slice.map { String($0, radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(groups[...]) }
        return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
    }
}
