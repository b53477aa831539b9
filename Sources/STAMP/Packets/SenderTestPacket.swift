/// A Session-Sender test packet (RFC 8762 §4.2), with the SSID of RFC 8972 §3 and optional TLVs after it.
///
/// Unauthenticated, 44 octets: Sequence Number (4) | Timestamp (8) | Error Estimate (2) | SSID (2) | MBZ (28).
/// Authenticated, 112 octets: Sequence Number (4) | MBZ (12) | Timestamp (8) | Error Estimate (2) | SSID (2) |
/// MBZ (68) | HMAC (16). MBZ octets are sent as zeros and ignored on receipt.
public struct SenderTestPacket: Sendable, Hashable {
    /// Where each field starts, per mode.
    public struct Layout: Sendable, Hashable {
        public var length: Int
        public var sequence: Int
        public var timestamp: Int
        public var errorEstimate: Int
        public var ssid: Int
        /// Offset of the HMAC field; nil when unauthenticated.
        public var hmac: Int?

        /// The unauthenticated layout (44 octets).
        public static let unauthenticated = Layout(
            length: 44, sequence: 0, timestamp: 4, errorEstimate: 12, ssid: 14, hmac: nil)
        /// The authenticated layout (112 octets).
        public static let authenticated = Layout(
            length: 112, sequence: 0, timestamp: 16, errorEstimate: 24, ssid: 26, hmac: 96)

        /// The layout of a mode.
        public static func of(authenticated: Bool) -> Layout { authenticated ? .authenticated : .unauthenticated }
    }

    /// The packet's number in transmit order, from 0.
    public var sequence: UInt32
    /// When it was sent.
    public var timestamp: PacketTimestamp
    /// The sender clock's state (S, Z, error).
    public var errorEstimate: ErrorEstimate
    /// STAMP Session Identifier (RFC 8972 §3); 0 when the sender does not use one.
    public var ssid: UInt16
    /// TLVs after the base packet (RFC 8972 §4).
    public var tlvs: [STAMPTLV]

    /// Creates a packet.
    public init(
        sequence: UInt32, timestamp: PacketTimestamp, errorEstimate: ErrorEstimate, ssid: UInt16 = 0,
        tlvs: [STAMPTLV] = []
    ) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.errorEstimate = errorEstimate
        self.ssid = ssid
        self.tlvs = tlvs
    }

    /// The wire form: the base packet of the mode (HMAC with `key` when given) followed by the TLVs.
    public func encoded(key: STAMPKey? = nil) -> [UInt8] {
        let layout = Layout.of(authenticated: key != nil)
        var bytes = [UInt8](repeating: 0, count: layout.length)
        bytes.withUnsafeMutableBytes { raw in
            WireBytes.store(self.sequence, raw, at: layout.sequence)
            WireBytes.store(self.timestamp.rawValue, raw, at: layout.timestamp)
            WireBytes.store(self.errorEstimate.rawValue, raw, at: layout.errorEstimate)
            WireBytes.store(self.ssid, raw, at: layout.ssid)
            if let key, let offset = layout.hmac { key.sign(raw, hmacOffset: offset) }
        }
        for tlv in self.tlvs { tlv.append(to: &bytes) }
        return bytes
    }

    /// Decodes a received UDP payload. With `key`, the packet must be the authenticated form and its HMAC must
    /// verify; without, the unauthenticated form. A zero Error Estimate multiplier and TLVs running past the end are
    /// errors; with `includingTLVs` false the octets after the base packet are not looked at (`tlvs` is empty).
    public init(
        decoding bytes: UnsafeRawBufferPointer, key: STAMPKey? = nil, includingTLVs: Bool = true
    ) throws(STAMPPacketError) {
        let layout = Layout.of(authenticated: key != nil)
        guard bytes.count >= layout.length else {
            throw STAMPPacketError(
                .truncated,
                "\(bytes.count) octets are fewer than the \(layout.length) of a\(key == nil ? "n unauthenticated" : "n authenticated") Session-Sender test packet",
                offset: bytes.count)
        }
        if let key, let offset = layout.hmac, !key.verify(bytes, hmacOffset: offset) {
            throw STAMPPacketError(.badHMAC, "the HMAC does not verify with the session key", offset: offset)
        }
        let estimate = ErrorEstimate(rawValue: WireBytes.uint16(bytes, at: layout.errorEstimate))
        guard estimate.isValid else {
            throw STAMPPacketError(
                .badErrorEstimate, "the Error Estimate's multiplier is zero", offset: layout.errorEstimate + 1)
        }
        self.sequence = WireBytes.uint32(bytes, at: layout.sequence)
        self.timestamp = PacketTimestamp(rawValue: WireBytes.uint64(bytes, at: layout.timestamp))
        self.errorEstimate = estimate
        self.ssid = WireBytes.uint16(bytes, at: layout.ssid)
        self.tlvs = includingTLVs ? try STAMPTLV.decodeList(bytes, from: layout.length) : []
    }

    /// Decodes `bytes` (see `init(decoding:key:)` on a raw buffer).
    public init(decoding bytes: [UInt8], key: STAMPKey? = nil) throws(STAMPPacketError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(STAMPPacketError) in try SenderTestPacket(decoding: raw, key: key) }
        }
        self = try result.get()
    }
}
