/// The dedicated network's addressing plan.
public struct Network: Sendable, Hashable {
    /// The block every address of the plan lies in, in canonical CIDR text (e.g. `10.33.0.0/16`); nil when not given.
    public var supernet: String?
    /// The provincial data centre.
    public var datacenter: Datacenter
    /// The prefix length of every commune subnet (24 in the plan: commune i gets 10.33.i.0/24).
    public var communePrefixLength: Int

    /// Creates a network plan.
    public init(supernet: String?, datacenter: Datacenter, communePrefixLength: Int) {
        self.supernet = supernet
        self.datacenter = datacenter
        self.communePrefixLength = communePrefixLength
    }
}

/// The provincial data centre: its subnet, the hub every commune link ends at, and the services communes use.
public struct Datacenter: Sendable, Hashable {
    /// Its name.
    public var name: String
    /// Its subnet in canonical CIDR text, e.g. `10.33.0.0/24`.
    public var subnet: String
    /// The core router's address in canonical text (e.g. `10.33.0.1`).
    public var hub: String
    /// The services, as probe targets with resolved thresholds.
    public var services: [ProbeTarget]

    /// Creates a data centre.
    public init(name: String, subnet: String, hub: String, services: [ProbeTarget]) {
        self.name = name
        self.subnet = subnet
        self.hub = hub
        self.services = services
    }
}
