import NetworkAddress

/// One thing a commune's probe measures.
public struct ProbeTarget: Sendable, Hashable {
    /// Unique within its list, e.g. `hub`, `portal`.
    public var name: String
    /// An IPv4 or IPv6 address (`10.33.0.10`, `fd33::10`).
    public var address: IPAddress
    /// How it is probed.
    public var kind: TargetKind
    /// The thresholds that apply to it: the defaults with its overrides.
    public var thresholds: Thresholds

    /// Creates a target.
    public init(name: String, address: IPAddress, kind: TargetKind, thresholds: Thresholds) {
        self.name = name
        self.address = address
        self.kind = kind
        self.thresholds = thresholds
    }
}

/// How a target is probed.
public enum TargetKind: Sendable, Hashable, CustomStringConvertible {
    /// ICMP echo.
    case icmp
    /// A TCP connect (time to SYN-ACK), for targets that drop ICMP.
    case tcp(port: UInt16)
    /// A STAMP session per round (RFC 8762): round trip and each direction.
    case stamp(STAMPTargetSettings)

    /// The `kind` of its rounds: `icmp`, `tcp` or `stamp`.
    public var wireName: String {
        switch self {
        case .icmp: "icmp"
        case .tcp: "tcp"
        case .stamp: "stamp"
        }
    }

    /// `icmp`, `tcp/443` or `stamp/862`.
    public var description: String {
        switch self {
        case .icmp: "icmp"
        case .tcp(let port): "tcp/\(port)"
        case .stamp(let settings): "stamp/\(settings.port)"
        }
    }
}
