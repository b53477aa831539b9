/// Something that happened to one probe, as the engine streams it.
public enum ProbeEvent: Sendable, Hashable {
    /// A probe was answered in time (`isDuplicate` false), or an extra copy of an answer arrived (true).
    case reply(ProbeReply)
    /// A probe got no answer within the timeout.
    case lost(target: Int, probe: Int)
    /// An ICMP error (unreachable, time exceeded…) about a probe, or a TCP connect refused/failed.
    case error(target: Int, probe: Int?, message: String)
}

/// One answered probe.
public struct ProbeReply: Sendable, Hashable {
    /// Index of the target in the engine's endpoint list.
    public var target: Int
    /// Probe number for that target, from 0.
    public var probe: Int
    /// Round-trip time in seconds.
    public var rtt: Double
    /// Bytes of the ICMP reply (0 for TCP).
    public var bytes: Int
    /// TTL of the reply when known.
    public var ttl: Int?
    /// True for extra copies of an answer already counted.
    public var isDuplicate: Bool

    /// Creates a reply.
    public init(target: Int, probe: Int, rtt: Double, bytes: Int, ttl: Int?, isDuplicate: Bool) {
        self.target = target
        self.probe = probe
        self.rtt = rtt
        self.bytes = bytes
        self.ttl = ttl
        self.isDuplicate = isDuplicate
    }
}
