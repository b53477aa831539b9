import NetworkAddress

/// The dedicated network's addressing plan.
public struct Network: Sendable, Hashable {
    /// The block every address of the plan lies in (e.g. `10.33.0.0/16`); nil when not given.
    public var supernet: IPNetwork?
    /// The provincial data centre.
    public var datacenter: Datacenter
    /// The prefix length of every commune subnet (24 in the plan: commune i gets 10.33.i.0/24).
    public var communePrefixLength: Int

    /// Creates a network plan.
    public init(supernet: IPNetwork?, datacenter: Datacenter, communePrefixLength: Int) {
        self.supernet = supernet
        self.datacenter = datacenter
        self.communePrefixLength = communePrefixLength
    }
}

/// The provincial data centre: its subnet, the hub every commune link ends at, and the services communes use.
public struct Datacenter: Sendable, Hashable {
    /// Its name.
    public var name: String
    /// Its subnet, e.g. `10.33.0.0/24`.
    public var subnet: IPNetwork
    /// The core router's address (e.g. `10.33.0.1`).
    public var hub: IPAddress
    /// The services, as probe targets with resolved thresholds.
    public var services: [ProbeTarget]

    /// Creates a data centre.
    public init(name: String, subnet: IPNetwork, hub: IPAddress, services: [ProbeTarget]) {
        self.name = name
        self.subnet = subnet
        self.hub = hub
        self.services = services
    }
}
