import ArgumentParser
import NetMonitor

/// Where addresses map to sites for the per-site rollups of `analyze` and `capture`.
struct SiteOptions: ParsableArguments {
    @Option(
        name: .customLong("site"),
        help: ArgumentHelp("Map a prefix to a site code, as PREFIX=CODE (e.g. 10.33.1.0/24=12345); repeatable.", valueName: "prefix=code"))
    var sitePairs: [String] = []

    /// The site map from the command line.
    func siteMap() throws -> SiteMap {
        var pairs: [(network: IPNetwork, site: String)] = []
        for pair in self.sitePairs {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let network = IPNetwork(parts[0]), !parts[1].isEmpty else {
                throw ValidationError("--site \(pair): expected PREFIX=CODE such as 10.33.1.0/24=12345.")
            }
            pairs.append((network, String(parts[1])))
        }
        return SiteMap(pairs)
    }
}
