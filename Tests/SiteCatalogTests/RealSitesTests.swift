import Foundation
import SiteCatalog
import Testing

/// The repository's own sites.yaml: the real province.
@Suite struct RealSitesTests {
    @Test func realSitesYAMLIsValid() throws {
        let diagnostics = SitesConfig.validate(path: Fixture.repositorySitesPath)
        #expect(diagnostics == [], "\(diagnostics.map(\.description).joined(separator: "\n"))")
    }

    @Test func realSitesYAMLDescribesTheProvince() throws {
        let config = try SitesConfig.load(path: Fixture.repositorySitesPath)
        #expect(config.province.name == "Hưng Yên")
        #expect(config.province.code == "33")
        #expect(config.communes.count == 104)
        #expect(Set(config.communes.map(\.code)).count == 104)
        #expect(config.communes.map(\.code) == config.communes.map(\.code).sorted())
        // Addressing plan: commune i (in code order) gets 10.33.i.0/24, gateway .1, probe-<code>.
        for (index, commune) in config.communes.enumerated() {
            #expect(commune.subnet.description == "10.33.\(index + 1).0/24")
            #expect(commune.gateway.description == "10.33.\(index + 1).1")
            #expect(commune.probeID == "probe-\(commune.code)")
        }
        let seed = try #require(config.commune(code: "13063"))
        #expect(seed.name == "Xã Nam Tiền Hải")
        #expect(config.commune(probeID: "probe-13063") == seed)
        let portal = try #require(config.targets(for: seed).first { $0.name == "portal" })
        #expect(portal.kind == .tcp(port: 443))
        #expect(portal.thresholds.latencyMs == ThresholdLevels(warn: 80, critical: 200, clear: 60))
        #expect(portal.thresholds.lossRatio == config.defaults.thresholds.lossRatio)

        let other = try #require(config.commune(code: "11953"))
        let targets = config.targets(for: other)
        #expect(targets.map(\.name) == ["hub", "portal", "meeting", "lgsp", "dns"])
        #expect(targets[0].address.description == "10.33.0.1" && targets[0].kind == .icmp)
        #expect(targets[2].thresholds.latencyMs == ThresholdLevels(warn: 40, critical: 100, clear: 30))
        #expect(config.defaults.probe.step == .seconds(60))
        #expect(config.defaults.probe.probes == 20)
        #expect(config.coverage.floors[.fourG] == SignalFloor(metric: .rsrpDbm, dbm: -115))
        #expect(config.coverage.targets.fiveGAreaRatio == 0.6)
        #expect(config.alerts.route.routes.first?.receiver == "noc-email")
        #expect(config.alerts.route.routes.first?.groupWait == .seconds(30))
        #expect(config.alerts.receiver(named: "noc-email")?.email?.smarthostPort == 587)
    }
}
