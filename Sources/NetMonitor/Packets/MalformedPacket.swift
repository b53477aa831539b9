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
    /// The fixed phrase, kept as a `StaticString` so that decode results hold no reference and copy as plain
    /// bytes on the per-packet path.
    private let phrase: StaticString

    /// What was wrong, as a fixed phrase.
    public var reason: String { self.phrase.description }

    /// A malformed-packet description.
    public init(_ layer: Layer, _ reason: StaticString) {
        self.layer = layer
        self.phrase = reason
    }

    public var description: String { "\(self.layer.rawValue): \(self.reason)" }

    public static func == (lhs: MalformedPacket, rhs: MalformedPacket) -> Bool {
        lhs.layer == rhs.layer && lhs.reason == rhs.reason
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.layer)
        hasher.combine(self.reason)
    }
}
