/// A direction-free key for a transport flow: the two endpoints in canonical order.
struct FlowKey: Hashable {
    var lowAddress: IPAddress
    var highAddress: IPAddress
    /// The low endpoint's port in the high 16 bits, the high endpoint's in the low 16.
    var ports: UInt32

    /// The key of a packet, and whether the packet travels from the low endpoint.
    @inline(__always)
    static func make(source: IPAddress, sourcePort: UInt16, destination: IPAddress, destinationPort: UInt16) -> (FlowKey, fromLow: Bool) {
        if source < destination || (source == destination && sourcePort <= destinationPort) {
            return (FlowKey(lowAddress: source, highAddress: destination, ports: UInt32(sourcePort) << 16 | UInt32(destinationPort)), true)
        }
        return (FlowKey(lowAddress: destination, highAddress: source, ports: UInt32(destinationPort) << 16 | UInt32(sourcePort)), false)
    }
}
