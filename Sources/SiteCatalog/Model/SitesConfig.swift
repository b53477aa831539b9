import LinkQuality

/// The whole of sites.yaml, decoded and validated: the province, its dedicated network, the probe defaults and
/// thresholds, the communes with their gateways and probes, the coverage targets and the alert routes.
///
/// Load it with ``SitesConfig/load(path:)``; every value here has passed validation.
public struct SitesConfig: Sendable, Hashable {
    /// Schema version; 1.
    public var version: Int
    /// The province and its boundaries file.
    public var province: Province
    /// The addressing plan: supernet, data centre, hub, services.
    public var network: Network
    /// Probe schedule and link thresholds that apply unless a target overrides them.
    public var defaults: Defaults
    /// Every commune or ward, in file order (the generated file is sorted by code).
    public var communes: [Commune]
    /// Coverage grid, signal floors and the province's coverage targets.
    public var coverage: CoverageConfig
    /// Alert receivers, the routing tree and the non-link rules.
    public var alerts: AlertSettings
    /// The absolute path of the file this was loaded from (empty when decoded from a string without one).
    public var sourcePath: String
    /// The call-quality score's assumptions and colour levels (`call_quality:`, optional: defaults without it).
    public var callQuality: CallQualitySettings

    /// Creates a configuration from its parts (no validation: use ``SitesConfig/load(path:)`` for files).
    public init(
        version: Int, province: Province, network: Network, defaults: Defaults, communes: [Commune],
        coverage: CoverageConfig, alerts: AlertSettings, sourcePath: String,
        callQuality: CallQualitySettings = .standard
    ) {
        self.version = version
        self.province = province
        self.network = network
        self.defaults = defaults
        self.communes = communes
        self.coverage = coverage
        self.alerts = alerts
        self.sourcePath = sourcePath
        self.callQuality = callQuality
    }

    /// The commune with GSO code `code`, if listed.
    public func commune(code: String) -> Commune? {
        self.communes.first { $0.code == code }
    }

    /// The commune whose probe has identity `probeID`, if listed.
    public func commune(probeID: String) -> Commune? {
        self.communes.first { $0.probeID == probeID }
    }

    /// What `commune`'s probe measures: its own target list when it has one, else the hub (ICMP) followed by every
    /// data-centre service. Thresholds are resolved (defaults with the target's or service's overrides applied).
    public func targets(for commune: Commune) -> [ProbeTarget] {
        commune.targets ?? self.defaultTargets
    }

    /// The hub (ICMP) and every data-centre service, with resolved thresholds: the targets of a commune that lists
    /// none of its own.
    public var defaultTargets: [ProbeTarget] {
        [
            ProbeTarget(
                name: "hub", address: self.network.datacenter.hub, kind: .icmp, thresholds: self.defaults.thresholds)
        ]
            + self.network.datacenter.services
    }
}
