/// A Session-Reflector test packet (RFC 8762 §4.3), with the SSID of RFC 8972 §3 and the sender's TLVs after it.
///
/// Unauthenticated, 44 octets: Sequence Number (4) | Timestamp (8) | Error Estimate (2) | SSID (2) | Receive
/// Timestamp (8) | Session-Sender Sequence Number (4) | Session-Sender Timestamp (8) | Session-Sender Error Estimate
/// (2) | MBZ (2) | Ses-Sender TTL (1) | MBZ (3).
/// Authenticated, 112 octets: Sequence Number (4) | MBZ (12) | Timestamp (8) | Error Estimate (2) | SSID (2) |
/// MBZ (4) | Receive Timestamp (8) | MBZ (8) | Session-Sender Sequence Number (4) | MBZ (12) | Session-Sender
/// Timestamp (8) | Session-Sender Error Estimate (2) | MBZ (6) | Ses-Sender TTL (1) | MBZ (15) | HMAC (16).
public struct ReflectorTestPacket: Sendable, Hashable {
    /// Where each field starts, per mode.
    public struct Layout: Sendable, Hashable {
        public var length: Int
        public var sequence: Int
        public var timestamp: Int
        public var errorEstimate: Int
        public var ssid: Int
        public var receiveTimestamp: Int
        public var senderSequence: Int
        public var senderTimestamp: Int
        public var senderErrorEstimate: Int
        public var senderTTL: Int
        /// Offset of the HMAC field; nil when unauthenticated.
        public var hmac: Int?

        /// The unauthenticated layout (44 octets).
        public static let unauthenticated = Layout(
            length: 44, sequence: 0, timestamp: 4, errorEstimate: 12, ssid: 14, receiveTimestamp: 16,
            senderSequence: 24, senderTimestamp: 28, senderErrorEstimate: 36, senderTTL: 40, hmac: nil)
        /// The authenticated layout (112 octets).
        public static let authenticated = Layout(
            length: 112, sequence: 0, timestamp: 16, errorEstimate: 24, ssid: 26, receiveTimestamp: 32,
            senderSequence: 48, senderTimestamp: 64, senderErrorEstimate: 72, senderTTL: 80, hmac: 96)

        /// The layout of a mode.
        public static func of(authenticated: Bool) -> Layout { authenticated ? .authenticated : .unauthenticated }
    }

    /// The reflector's sequence number: its own counter in stateful mode, the sender's in stateless mode.
    public var sequence: UInt32
    /// When the reflector sent it (T3).
    public var timestamp: PacketTimestamp
    /// The reflector clock's state.
    public var errorEstimate: ErrorEstimate
    /// The SSID of the sender's packet.
    public var ssid: UInt16
    /// When the reflector received the sender's packet (T2).
    public var receiveTimestamp: PacketTimestamp
    /// The sender's Sequence Number.
    public var senderSequence: UInt32
    /// The sender's Timestamp (T1).
    public var senderTimestamp: PacketTimestamp
    /// The sender's Error Estimate.
    public var senderErrorEstimate: ErrorEstimate
    /// TTL (IPv4) or hop limit (IPv6) of the sender's packet as received; 255 when the reflector could not tell.
    public var senderTTL: UInt8
    /// TLVs after the base packet, reflected from the sender's (RFC 8972 §4).
    public var tlvs: [STAMPTLV]

    /// Creates a packet.
    public init(
        sequence: UInt32, timestamp: PacketTimestamp, errorEstimate: ErrorEstimate, ssid: UInt16,
        receiveTimestamp: PacketTimestamp, senderSequence: UInt32, senderTimestamp: PacketTimestamp,
        senderErrorEstimate: ErrorEstimate, senderTTL: UInt8, tlvs: [STAMPTLV] = []
    ) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.errorEstimate = errorEstimate
        self.ssid = ssid
        self.receiveTimestamp = receiveTimestamp
        self.senderSequence = senderSequence
        self.senderTimestamp = senderTimestamp
        self.senderErrorEstimate = senderErrorEstimate
        self.senderTTL = senderTTL
        self.tlvs = tlvs
    }

    /// The wire form: the base packet of the mode (HMAC with `key` when given) followed by the TLVs.
    public func encoded(key: STAMPKey? = nil) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Layout.of(authenticated: key != nil).length)
        bytes.withUnsafeMutableBytes { self.encodeBase(into: $0, key: key) }
        for tlv in self.tlvs { tlv.append(to: &bytes) }
        return bytes
    }

    /// Writes the base packet into `raw` (at least the mode's length, zeroed by the caller) and signs it with `key`.
    func encodeBase(into raw: UnsafeMutableRawBufferPointer, key: STAMPKey?) {
        let layout = Layout.of(authenticated: key != nil)
        WireBytes.store(self.sequence, raw, at: layout.sequence)
        WireBytes.store(self.timestamp.rawValue, raw, at: layout.timestamp)
        WireBytes.store(self.errorEstimate.rawValue, raw, at: layout.errorEstimate)
        WireBytes.store(self.ssid, raw, at: layout.ssid)
        WireBytes.store(self.receiveTimestamp.rawValue, raw, at: layout.receiveTimestamp)
        WireBytes.store(self.senderSequence, raw, at: layout.senderSequence)
        WireBytes.store(self.senderTimestamp.rawValue, raw, at: layout.senderTimestamp)
        WireBytes.store(self.senderErrorEstimate.rawValue, raw, at: layout.senderErrorEstimate)
        raw[layout.senderTTL] = self.senderTTL
        if let key, let offset = layout.hmac { key.sign(raw, hmacOffset: offset) }
    }

    /// Decodes a received UDP payload. With `key`, the packet must be the authenticated form and its HMAC must
    /// verify. A zero multiplier in the reflector's Error Estimate and TLVs running past the end are errors (the
    /// echoed sender estimate is taken as it is).
    public init(decoding bytes: UnsafeRawBufferPointer, key: STAMPKey? = nil) throws(STAMPPacketError) {
        let layout = Layout.of(authenticated: key != nil)
        guard bytes.count >= layout.length else {
            throw STAMPPacketError(
                .truncated,
                "\(bytes.count) octets are fewer than the \(layout.length) of a\(key == nil ? "n unauthenticated" : "n authenticated") Session-Reflector test packet",
                offset: bytes.count)
        }
        if let key, let offset = layout.hmac, !key.verify(bytes, hmacOffset: offset) {
            throw STAMPPacketError(.badHMAC, "the HMAC does not verify with the session key", offset: offset)
        }
        let estimate = ErrorEstimate(rawValue: WireBytes.uint16(bytes, at: layout.errorEstimate))
        guard estimate.isValid else {
            throw STAMPPacketError(
                .badErrorEstimate, "the reflector's Error Estimate multiplier is zero",
                offset: layout.errorEstimate + 1)
        }
        self.sequence = WireBytes.uint32(bytes, at: layout.sequence)
        self.timestamp = PacketTimestamp(rawValue: WireBytes.uint64(bytes, at: layout.timestamp))
        self.errorEstimate = estimate
        self.ssid = WireBytes.uint16(bytes, at: layout.ssid)
        self.receiveTimestamp = PacketTimestamp(rawValue: WireBytes.uint64(bytes, at: layout.receiveTimestamp))
        self.senderSequence = WireBytes.uint32(bytes, at: layout.senderSequence)
        self.senderTimestamp = PacketTimestamp(rawValue: WireBytes.uint64(bytes, at: layout.senderTimestamp))
        self.senderErrorEstimate = ErrorEstimate(rawValue: WireBytes.uint16(bytes, at: layout.senderErrorEstimate))
        self.senderTTL = bytes[layout.senderTTL]
        self.tlvs = try STAMPTLV.decodeList(bytes, from: layout.length)
    }

    /// Decodes `bytes` (see `init(decoding:key:)` on a raw buffer).
    public init(decoding bytes: [UInt8], key: STAMPKey? = nil) throws(STAMPPacketError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(STAMPPacketError) in try ReflectorTestPacket(decoding: raw, key: key) }
        }
        self = try result.get()
    }
}
