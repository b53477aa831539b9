/// One TLV of the optional extensions after the base test packet (RFC 8972 §4):
/// `Flags (8: U M I + reserved) | Type (8) | Length (16, octets of Value) | Value`.
public struct STAMPTLV: Sendable, Hashable {
    /// The U flag: the reflector did not recognise the type.
    public static let unrecognizedFlag: UInt8 = 0x80
    /// The M flag: the TLV is malformed (its length runs past the packet).
    public static let malformedFlag: UInt8 = 0x40
    /// The I flag: integrity protection failed.
    public static let integrityFailedFlag: UInt8 = 0x20
    /// Type 1, Extra Padding (RFC 8972 §4.1): octets that only make the packet longer.
    public static let extraPaddingType: UInt8 = 1
    /// Octets before the value.
    public static let headerLength = 4

    /// The flags octet.
    public var flags: UInt8
    /// The type.
    public var type: UInt8
    /// The value (its length goes in the Length field).
    public var value: [UInt8]

    /// Creates a TLV.
    public init(flags: UInt8 = 0, type: UInt8, value: [UInt8]) {
        self.flags = flags
        self.type = type
        self.value = value
    }

    /// An Extra Padding TLV of `totalLength` octets in all (header included; at least 4), its value zeros.
    public static func extraPadding(totalLength: Int) -> STAMPTLV {
        STAMPTLV(type: Self.extraPaddingType, value: [UInt8](repeating: 0, count: max(0, totalLength - 4)))
    }

    /// Octets on the wire.
    public var encodedLength: Int { Self.headerLength + self.value.count }

    /// Appends the wire form to `bytes`. Values longer than 65,535 octets are cut at that length.
    func append(to bytes: inout [UInt8]) {
        let length = min(self.value.count, 0xFFFF)
        bytes.append(self.flags)
        bytes.append(self.type)
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        bytes.append(UInt8(truncatingIfNeeded: length))
        bytes.append(contentsOf: self.value.prefix(length))
    }

    /// Decodes the TLVs of `bytes[start...]` (the octets after the base packet). A TLV whose header or value runs
    /// past the end throws `badTLV` at its offset.
    static func decodeList(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(STAMPPacketError) -> [STAMPTLV] {
        var tlvs: [STAMPTLV] = []
        var offset = start
        while offset < bytes.count {
            guard bytes.count - offset >= Self.headerLength else {
                throw STAMPPacketError(
                    .badTLV, "\(bytes.count - offset) octets after the last TLV are too few for a TLV header (4)",
                    offset: offset)
            }
            let length = Int(WireBytes.uint16(bytes, at: offset + 2))
            guard bytes.count - offset - Self.headerLength >= length else {
                throw STAMPPacketError(
                    .badTLV,
                    "TLV type \(bytes[offset + 1]) declares \(length) octets of value, but only \(bytes.count - offset - Self.headerLength) follow",
                    offset: offset + 2)
            }
            let value = Array(bytes[(offset + Self.headerLength)..<(offset + Self.headerLength + length)])
            tlvs.append(STAMPTLV(flags: bytes[offset], type: bytes[offset + 1], value: value))
            offset += Self.headerLength + length
        }
        return tlvs
    }
}
