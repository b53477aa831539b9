/// How a `kind: stamp` target is measured: a STAMP (RFC 8762) session per round against a reflector, unauthenticated.
public struct STAMPTargetSettings: Sendable, Hashable {
    /// STAMP's well-known UDP port.
    public static let defaultPort: UInt16 = 862
    /// The unauthenticated base packet, octets.
    public static let basePacketOctets = 44

    /// The reflector's UDP port (862 by default).
    public var port: UInt16
    /// `stateful: true`: the reflector is expected to number its packets (RFC 8762 §4.3.2), so loss is split by
    /// direction even in a round where nothing was lost forward (which looks like a stateless reflector).
    public var stateful: Bool
    /// DSCP of the test packets, 0…63 (46 = EF, as voice).
    public var dscp: Int
    /// UDP payload octets: 44, or 48…65000 (an Extra Padding TLV of 4 octets or more).
    public var packetOctets: Int
    /// `clock_error`: the gateway claims a synchronised clock with this error bound (seconds) instead of the
    /// kernel's adjtimex state — for a PTP clock adjtimex cannot see, or a reflector on the same host. Nil: adjtimex.
    public var clockErrorSeconds: Double?

    public init(
        port: UInt16 = Self.defaultPort, stateful: Bool = false, dscp: Int = 0,
        packetOctets: Int = Self.basePacketOctets, clockErrorSeconds: Double? = nil
    ) {
        self.port = port
        self.stateful = stateful
        self.dscp = dscp
        self.packetOctets = packetOctets
        self.clockErrorSeconds = clockErrorSeconds
    }
}
