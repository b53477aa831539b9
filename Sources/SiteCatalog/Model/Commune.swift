import NetworkAddress

/// A commune or ward on the dedicated network: its GSO code and name, its subnet, its gateway and the gateway's probe.
public struct Commune: Sendable, Hashable {
    /// The GSO code (`ward_code` of the boundaries file), five digits, e.g. `"13063"`.
    public var code: String
    /// Its name, e.g. `Xã Nam Tiền Hải`.
    public var name: String
    /// The commune's subnet, e.g. `10.33.87.0/24`.
    public var subnet: IPNetwork
    /// The gateway's address inside `subnet`; the probe runs there.
    public var gateway: IPAddress
    /// The probe's identity (the server knows its bearer token by this id), e.g. `probe-13063`.
    public var probeID: String
    /// Its own target list (thresholds resolved), or nil for the default targets: use
    /// ``SitesConfig/targets(for:)``, which applies the default.
    public var targets: [ProbeTarget]?
    /// Its `capture` block merged over the defaults' one, or nil when it has none: use
    /// ``SitesConfig/capture(for:)``, which applies the default.
    public var capture: CaptureSettings?
    /// Its `signal` block merged over the defaults' one, or nil when it has none: use
    /// ``SitesConfig/signal(for:)``, which applies the default.
    public var signal: SignalSettings?
    /// Its `location` merged over the defaults' one, or nil when it has none: use
    /// ``SitesConfig/location(for:)``, which applies the default.
    public var location: GatewayLocation?

    /// Creates a commune.
    public init(
        code: String, name: String, subnet: IPNetwork, gateway: IPAddress, probeID: String, targets: [ProbeTarget]?,
        capture: CaptureSettings? = nil, signal: SignalSettings? = nil, location: GatewayLocation? = nil
    ) {
        self.code = code
        self.name = name
        self.subnet = subnet
        self.gateway = gateway
        self.probeID = probeID
        self.targets = targets
        self.capture = capture
        self.signal = signal
        self.location = location
    }
}
