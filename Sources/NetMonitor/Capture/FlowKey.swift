import NetworkAddress

/// A direction-free key for a transport flow: the two endpoints in canonical order.
struct FlowKey: Hashable {
    /// One pre-mixed word into the hasher instead of five: the flow table hashes every TCP packet.
    func hash(into hasher: inout Hasher) {
        hasher.combine(self.mixedHash)
    }

    /// The key's five fields mixed into one word (not yet finalised: `FlowTable` salts and multiplies it).
    @inline(__always)
    var mixedHash: UInt64 {
        var mixed = self.lowAddress.low &* 0x9E37_79B9_7F4A_7C15
        mixed ^= (self.highAddress.low &* 0xC2B2_AE3D_27D4_EB4F).rotated(by: 31)
        mixed ^= (self.lowAddress.high ^ self.highAddress.high.rotated(by: 17)) &* 0x1656_67B1_9E37_79F9
        mixed ^= UInt64(self.ports) &* 0x27D4_EB2F_1656_67C5
        return mixed ^ mixed >> 29
    }

    /// The filler of empty buckets.
    static let empty = FlowKey(
        lowAddress: IPAddress(high: 0, low: 0), highAddress: IPAddress(high: 0, low: 0), ports: 0)

    var lowAddress: IPAddress
    var highAddress: IPAddress
    /// The low endpoint's port in the high 16 bits, the high endpoint's in the low 16.
    var ports: UInt32

    /// The key of a packet, and whether the packet travels from the low endpoint.
    @inline(__always)
    static func make(
        source: IPAddress, sourcePort: UInt16, destination: IPAddress, destinationPort: UInt16
    ) -> (FlowKey, fromLow: Bool) {
        if source < destination || (source == destination && sourcePort <= destinationPort) {
            return (
                FlowKey(
                    lowAddress: source, highAddress: destination,
                    ports: UInt32(sourcePort) << 16 | UInt32(destinationPort)), true
            )
        }
        return (
            FlowKey(
                lowAddress: destination, highAddress: source, ports: UInt32(destinationPort) << 16 | UInt32(sourcePort)),
            false
        )
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotated(by bits: UInt64) -> UInt64 { self << bits | self >> (64 - bits) }
}
