import NetMonitor
import NetworkAddress
import SiteCatalog

/// What a lab consists of, derived from sites.yaml: the data centre's addresses and the communes, each with its
/// gateway, its subnet and a point-to-point /31 link to the data centre.
///
/// Link addresses come from 198.18.0.0/16 (RFC 2544 benchmarking space, never routed): commune k (0-based, in
/// plan order) gets 198.18.0.0 + 2k on the data centre side and + 1 on the commune side. The 10.33.x.x plan is
/// only ever assigned inside the lab's namespaces.
public struct LabPlan: Sendable, Hashable, Codable {
    /// One simulated commune gateway.
    public struct Commune: Sendable, Hashable, Codable {
        /// GSO code.
        public var code: String
        /// Name from sites.yaml.
        public var name: String
        /// Probe identity from sites.yaml.
        public var probeID: String
        /// Gateway address (held by the commune namespace).
        public var gateway: String
        /// Prefix length of the commune subnet.
        public var prefixLength: Int
        /// The commune subnet, canonical text.
        public var subnet: String
        /// Data centre side of the /31 link.
        public var datacenterLinkAddress: String
        /// Commune side of the /31 link.
        public var communeLinkAddress: String
    }

    /// Data centre subnet, canonical text (routed from every commune).
    public var datacenterSubnet: String
    /// Prefix length of the data centre subnet.
    public var datacenterPrefixLength: Int
    /// Hub first, then each service address (deduplicated).
    public var datacenterAddresses: [String]
    /// TCP services (address, port) the lab answers with a listener in the data centre.
    public var tcpServices: [TCPService]
    /// The communes, in sites.yaml order.
    public var communes: [Commune]

    /// A TCP service address and port.
    public struct TCPService: Sendable, Hashable, Codable {
        /// Address.
        public var address: String
        /// Port.
        public var port: UInt16
    }

    /// Builds the plan for the first `communeCount` communes of `config` (all when nil), or exactly `codes`.
    /// - Throws: `LabError.invalidArgument` for unknown codes, IPv6 plans (the lab is IPv4) or more than 32,768
    ///   communes.
    public static func make(
        config: SitesConfig, communeCount: Int? = nil, codes: [String] = []
    ) throws(LabError) -> LabPlan {
        let datacenter = config.network.datacenter
        let dcNetwork = datacenter.subnet
        guard dcNetwork.address.isIPv4 else {
            throw LabError(
                .invalidArgument, "the lab builds IPv4 plans only", context: "datacenter subnet \(datacenter.subnet)")
        }
        var addresses: [IPAddress] = [datacenter.hub]
        var services: [TCPService] = []
        for service in datacenter.services {
            if !addresses.contains(service.address) { addresses.append(service.address) }
            if case .tcp(let port) = service.kind {
                let listener = TCPService(address: service.address.description, port: port)
                if !services.contains(listener) { services.append(listener) }
            }
        }
        for address in addresses {
            guard address.isIPv4, dcNetwork.contains(address) else {
                throw LabError(
                    .invalidArgument, "every data centre address must be IPv4 inside the data centre subnet",
                    context: "address \(address)")
            }
        }
        var chosen: [SiteCatalog.Commune]
        if !codes.isEmpty {
            chosen = []
            for code in codes {
                guard let commune = config.commune(code: code) else {
                    throw LabError(
                        .invalidArgument, "no commune with this code in sites.yaml", context: "commune \(code)")
                }
                chosen.append(commune)
            }
        } else {
            chosen = config.communes
            if let count = communeCount {
                guard count >= 1 else {
                    throw LabError(.invalidArgument, "at least one commune", context: "--communes \(count)")
                }
                chosen = Array(chosen.prefix(count))
            }
        }
        guard chosen.count <= 32_768 else {
            throw LabError(
                .invalidArgument, "at most 32768 communes fit the link plan", context: "\(chosen.count) communes")
        }
        var communes: [Commune] = []
        for (index, commune) in chosen.enumerated() {
            let subnet = commune.subnet
            guard subnet.address.isIPv4, commune.gateway.isIPv4 else {
                throw LabError(.invalidArgument, "the lab builds IPv4 plans only", context: "commune \(commune.code)")
            }
            let base: UInt32 = 0xC612_0000 + UInt32(2 * index)  // 198.18.0.0 + 2k
            communes.append(
                Commune(
                    code: commune.code, name: commune.name, probeID: commune.probeID,
                    gateway: commune.gateway.description,
                    prefixLength: subnet.prefixLength, subnet: subnet.description,
                    datacenterLinkAddress: IPAddress(ipv4: base).description,
                    communeLinkAddress: IPAddress(ipv4: base + 1).description))
        }
        return LabPlan(
            datacenterSubnet: dcNetwork.description, datacenterPrefixLength: dcNetwork.prefixLength,
            datacenterAddresses: addresses.map(\.description), tcpServices: services, communes: communes)
    }

    /// The commune with `code`.
    public func commune(code: String) -> Commune? { self.communes.first { $0.code == code } }
}
