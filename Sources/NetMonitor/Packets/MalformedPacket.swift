/// Why a packet could not be decoded: the layer and a fixed reason.
///
/// Truncation (the snapshot length cut a header short) and malformation (a length or field that cannot be)
/// are both "malformed" for the counters: the packet is counted and skipped.
public struct MalformedPacket: Error, Hashable, Sendable, CustomStringConvertible {
    /// The protocol layer at which decoding stopped.
    public enum Layer: String, Sendable, Hashable {
        case link, ipv4, ipv6, tcp, udp, icmp, icmpv6
    }

    /// The layer at which decoding stopped.
    public var layer: Layer
    /// What was wrong, as a fixed phrase.
    public var reason: String

    /// A malformed-packet description.
    public init(_ layer: Layer, _ reason: String) {
        self.layer = layer
        self.reason = reason
    }

    public var description: String { "\(self.layer.rawValue): \(self.reason)" }
}
