import ModemSignal
import NetworkAddress
import SiteCatalog

/// Why sites.yaml cannot give the daemon a site to probe.
public struct AgentConfigError: Error, CustomStringConvertible, Sendable {
    /// The file could not be loaded: its `netmon check` diagnostics.
    public var configError: ConfigError?
    /// One sentence when the file loaded but does not suit (unknown commune code).
    public var message: String

    public var description: String {
        if let configError { return configError.description }
        return message
    }
}

extension AgentSite {
    /// The site of commune `code` in a validated configuration.
    public init(config: SitesConfig, communeCode code: String) throws(AgentConfigError) {
        guard let commune = config.commune(code: code) else {
            let known = config.communes.prefix(5).map(\.code).joined(separator: ", ")
            throw AgentConfigError(
                configError: nil,
                message:
                    "\(config.sourcePath): no commune with code \(code); the file lists \(config.communes.count) communes (e.g. \(known))"
            )
        }
        let probe = config.defaults.probe
        let targets = config.targets(for: commune)
        self.init(
            probeID: commune.probeID, commune: commune.code,
            targets: targets.map { AgentTarget(name: $0.name, address: $0.address, kind: $0.kind) },
            schedule: ProbeSchedule(
                probes: probe.probes, stepSeconds: probe.step.seconds, timeoutSeconds: probe.timeout.seconds,
                intervalSeconds: probe.interval.seconds, payloadBytes: probe.payloadBytes),
            capture: config.capture(for: commune).map { settings in
                AgentCapture(
                    interface: settings.interface ?? "any", filter: settings.filter,
                    snapshotLength: settings.snapshotLength, bufferBytes: settings.bufferMiB << 20,
                    remoteSites: Self.remoteSites(config: config, commune: commune, targets: targets))
            },
            signal: Self.signal(config: config, commune: commune))
    }

    /// The signal monitor of `commune`'s gateway: nil without an active `signal` block (or, which validation
    /// refuses, without a location).
    static func signal(config: SitesConfig, commune: Commune) -> AgentSignal? {
        guard let settings = config.signal(for: commune), let source = settings.source,
            let location = config.location(for: commune)
        else { return nil }
        return AgentSignal(
            reader: ModemReader(source: source, device: settings.device, lteSINR: settings.lteSINR),
            interval: settings.interval, lat: location.lat, lon: location.lon)
    }

    /// The remote sites of the passive rounds, as seen from `commune`'s gateway: its targets and the data-centre
    /// services (host prefixes, by name), the data-centre subnet (`datacenter`) and every other commune's subnet
    /// (by code). The commune's own subnet is the local side and gets no rounds.
    static func remoteSites(config: SitesConfig, commune: Commune, targets: [ProbeTarget]) -> [AgentCapture.RemoteSite]
    {
        var sites: [AgentCapture.RemoteSite] = []
        var names: Set<String> = []
        var addresses: Set<IPNetwork> = []
        func add(_ name: String, _ prefix: IPNetwork) {
            guard !names.contains(name), !addresses.contains(prefix) else { return }
            names.insert(name)
            addresses.insert(prefix)
            sites.append(AgentCapture.RemoteSite(name: name, prefix: prefix))
        }
        for target in targets { add(target.name, IPNetwork(host: target.address)) }
        add("hub", IPNetwork(host: config.network.datacenter.hub))
        for service in config.network.datacenter.services { add(service.name, IPNetwork(host: service.address)) }
        add("datacenter", config.network.datacenter.subnet)
        for other in config.communes where other.code != commune.code { add(other.code, other.subnet) }
        return sites
    }

    /// Loads sites.yaml at `path` (validating it as `netmon check` does) and picks commune `code`.
    public static func load(path: String, communeCode code: String) throws(AgentConfigError) -> AgentSite {
        let config: SitesConfig
        do {
            config = try SitesConfig.load(path: path)
        } catch {
            throw AgentConfigError(configError: error, message: error.description)
        }
        return try AgentSite(config: config, communeCode: code)
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
