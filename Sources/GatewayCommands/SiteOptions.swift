import ArgumentParser
import Foundation
import NetMonitor
import SiteCatalog

/// Where addresses map to sites for the per-site rollups of `analyze` and `capture`.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: "sites.yaml: data-centre services and subnet, and each commune's subnet, become sites.")
    var config: String?

    @Option(
        name: .customLong("site"),
        help: ArgumentHelp(
            "Map a prefix to a site code, as PREFIX=CODE (e.g. 10.33.1.0/24=12345); repeatable.",
            valueName: "prefix=code"))
    var sitePairs: [String] = []

    /// The site map: from sites.yaml (services as host prefixes named after the service, the data-centre subnet as
    /// `datacenter`, communes by their code), then the `--site` pairs. Longest prefix wins.
    func siteMap() throws -> SiteMap {
        var pairs: [(network: NetMonitor.IPNetwork, site: String)] = []
        if let config = self.config {
            let sites: SitesConfig
            do throws(ConfigError) {
                sites = try SitesConfig.load(path: config)
            } catch {
                FileHandle.standardError.write(
                    Data("netmon: \(error)\nRun `netmon check \(config)` for every problem.\n".utf8))
                throw ExitCode(2)
            }
            for service in sites.network.datacenter.services {
                if let network = NetMonitor.IPNetwork(service.address) { pairs.append((network, service.name)) }
            }
            if let network = NetMonitor.IPNetwork(sites.network.datacenter.subnet.description) {
                pairs.append((network, "datacenter"))
            }
            for commune in sites.communes {
                if let network = NetMonitor.IPNetwork(commune.subnet.description) {
                    pairs.append((network, commune.code))
                }
            }
        }
        for pair in self.sitePairs {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let network = NetMonitor.IPNetwork(parts[0]), !parts[1].isEmpty else {
                throw ValidationError("--site \(pair): expected PREFIX=CODE such as 10.33.1.0/24=12345.")
            }
            pairs.append((network, String(parts[1])))
        }
        return SiteMap(pairs)
    }
}
