import ArgumentParser
import Foundation
import NetMonitor
import NetworkAddress
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
        var pairs: [(network: IPNetwork, site: String)] = []
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
                pairs.append((IPNetwork(host: service.address), service.name))
            }
            pairs.append((sites.network.datacenter.subnet, "datacenter"))
            for commune in sites.communes { pairs.append((commune.subnet, commune.code)) }
        }
        for pair in self.sitePairs {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw ValidationError("--site \(pair): expected PREFIX=CODE such as 10.33.1.0/24=12345.")
            }
            // A bare address is a host prefix; a network must have no host bits set.
            if let address = IPAddress(parts[0]) {
                pairs.append((IPNetwork(host: address), String(parts[1])))
                continue
            }
            switch IPNetwork.parse(parts[0]) {
            case .success(let network):
                pairs.append((network, String(parts[1])))
            case .failure(let error):
                throw ValidationError("--site \(pair): \(error).")
            }
        }
        return SiteMap(pairs)
    }
}
