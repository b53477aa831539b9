import NetworkAddress

/// Maps addresses to site codes by longest-prefix match over `[(network, site)]`.
///
/// NetMonitor knows no configuration: the CLI builds the list from sites.yaml (data-centre services as host
/// prefixes, commune subnets) and hands it in.
public struct SiteMap: Sendable {
    /// Site codes in first-appearance order; `site(for:)` returns indexes into it.
    public let sites: [String]
    private let entries: [(network: IPNetwork, site: Int32)]

    /// A map from `(network, site code)` pairs; more specific prefixes win.
    public init(_ pairs: [(network: IPNetwork, site: String)]) {
        var sites: [String] = []
        var index: [String: Int32] = [:]
        var entries: [(network: IPNetwork, site: Int32)] = []
        for pair in pairs {
            let id: Int32
            if let known = index[pair.site] {
                id = known
            } else {
                id = Int32(sites.count)
                index[pair.site] = id
                sites.append(pair.site)
            }
            entries.append((pair.network, id))
        }
        self.sites = sites
        self.entries = entries.enumerated()
            .sorted { ($0.element.network.prefixLength, -$0.offset) > ($1.element.network.prefixLength, -$1.offset) }
            .map(\.element)
    }

    /// No sites.
    public static let empty = SiteMap([])

    /// Whether the map has no entries.
    public var isEmpty: Bool { self.entries.isEmpty }

    /// The index of the site `address` belongs to, or -1.
    public func site(for address: IPAddress) -> Int32 {
        for entry in self.entries where entry.network.contains(address) { return entry.site }
        return -1
    }
}
