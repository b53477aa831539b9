import Foundation
import LinkQuality
import NetworkAddress
import Yams

/// Turns a composed sites.yaml tree into a ``SitesConfig``, reporting every problem with its position.
///
/// Sections are decoded in dependency order (defaults before the targets that inherit them) whatever their order
/// in the file. Values needed by cross-checks (codes, probe ids, subnets, addresses, names) are collected as they
/// are read, so a commune with one bad field still takes part in the duplicate and overlap checks.
final class SitesDecoder {
    let context: DecodeContext
    /// The folder relative paths are resolved against.
    let baseDirectory: String

    /// A value seen in the document, with where, and what it belongs to (for "first used by" messages).
    struct Seen {
        let value: String
        let located: Located
        let owner: String
    }

    var communeCodes: [Seen] = []
    var communeNames: [String: Seen] = [:]
    var probeIDs: [Seen] = []
    /// Subnets of the data centre and the communes.
    var subnets: [(network: IPNetwork, seen: Seen)] = []
    /// Addresses that must be unique: the hub, the services, the gateways.
    var uniqueAddresses: [(address: IPAddress, seen: Seen)] = []
    /// Receiver names in order, and the routes' references to them.
    var receiverNames: [Seen] = []
    var receiverReferences: [Seen] = []
    /// The `communes` key, where "missing from communes" problems are reported.
    var communesKey: Located?
    /// Whether `communes` was a list (its entries may still have problems).
    var communesListRead = false
    /// The `boundaries` value, and whether every commune of it must be listed.
    var boundaries: Located?
    var requiresAllCommunes = true
    /// `call_quality.target`, where a target no commune probes is reported.
    var callQualityTarget: Located?
    /// `defaults.capture` as read so far, the base of each commune's `capture`.
    var captureDefaults = CaptureSettings.standard
    /// `defaults.signal` and `defaults.location` as read so far, the bases of each commune's blocks, and where the
    /// defaults' `signal` block is (for problems of a commune that inherits it).
    var signalDefaults = SignalSettings.standard
    var locationDefaults: GatewayLocation?
    var signalDefaultsBlock: Located?

    /// Reads the boundaries file named in `province.boundaries` for the cross-check.
    let boundaryReader: BoundaryCommunes.Reader

    init(context: DecodeContext, baseDirectory: String, boundaryReader: @escaping BoundaryCommunes.Reader) {
        self.context = context
        self.baseDirectory = baseDirectory
        self.boundaryReader = boundaryReader
    }

    /// Decodes the document; nil when anything is wrong (the context holds why).
    func decode(root: Node, sourcePath: String) -> SitesConfig? {
        let rootLocated = Located(node: root, path: "")
        guard
            let fields = self.context.fields(
                rootLocated, "sites.yaml",
                required: ["version", "province", "network", "defaults", "communes", "coverage", "alerts"],
                optional: ["call_quality"])
        else { return nil }

        var version: Int?
        if let located = fields["version"], let value = self.context.int(located) {
            if value == 1 {
                version = value
            } else {
                self.context.report("unsupported `version` \(value): this netmon reads version 1", at: located)
            }
        }
        let defaults = self.decodeDefaults(fields["defaults"])
        let thresholds = defaults?.thresholds ?? Self.fallbackThresholds
        let province = self.decodeProvince(fields["province"])
        let network = self.decodeNetwork(fields["network"], thresholds: thresholds)
        self.communesKey = fields.keyNode("communes")
        let communes = self.decodeCommunes(fields["communes"], thresholds: thresholds)
        let coverage = self.decodeCoverage(fields["coverage"])
        let alerts = self.decodeAlerts(fields["alerts"])
        var callQuality: CallQualitySettings? = .standard
        if fields.has("call_quality") { callQuality = self.decodeCallQuality(fields["call_quality"]) }

        self.checkDuplicates()
        self.checkSubnets(network: network)
        self.checkReceivers()
        if let province { self.checkBoundaries(province: province) }
        if let callQuality, let network, let communes {
            self.checkCallQualityTarget(callQuality, network: network, communes: communes)
        }

        guard self.context.diagnostics.isEmpty, let version, let province, let network, let defaults,
            let communes, let coverage, let alerts, let callQuality
        else { return nil }
        return SitesConfig(
            version: version, province: province, network: network, defaults: defaults, communes: communes,
            coverage: coverage, alerts: alerts, sourcePath: sourcePath, callQuality: callQuality)
    }

    /// Resolves a path written in the file against the file's folder.
    func resolve(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
        return ((self.baseDirectory as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
    }

    /// Stand-in thresholds while the real defaults are broken, so that overrides can still be checked.
    static let fallbackThresholds = Thresholds(
        latencyMs: ThresholdLevels(warn: 50, critical: 150, clear: 40),
        lossRatio: ThresholdLevels(warn: 0.02, critical: 0.10, clear: 0.01))

    // MARK: Province

    func decodeProvince(_ located: Located?) -> Province? {
        guard
            let fields = self.context.fields(
                located, "province", required: ["name", "code"], optional: ["boundaries", "require_all_communes"])
        else { return nil }
        let name = self.context.string(fields["name"])
        var code: String?
        if let codeLocated = fields["code"], let text = self.context.string(codeLocated) {
            if text.count == 2, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
                code = text
            } else {
                self.context.report(
                    "province `code` must be the two-digit GSO code as a quoted string, e.g. \"33\"", at: codeLocated)
            }
        }
        var boundaries: String?
        var boundariesPath: String?
        if let boundariesLocated = fields["boundaries"], let text = self.context.string(boundariesLocated) {
            boundaries = text
            boundariesPath = self.resolve(text)
            self.boundaries = boundariesLocated
        }
        var requiresAll = true
        if fields.has("require_all_communes") {
            guard let value = self.context.bool(fields["require_all_communes"]) else { return nil }
            requiresAll = value
        }
        self.requiresAllCommunes = requiresAll
        guard let name, let code else { return nil }
        return Province(
            name: name, code: code, boundaries: boundaries, boundariesPath: boundariesPath,
            requiresAllCommunes: requiresAll)
    }
}
