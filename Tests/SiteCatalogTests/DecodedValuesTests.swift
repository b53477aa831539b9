import Foundation
import SiteCatalog
import Testing

/// What a valid file decodes to: defaults applied, addresses canonical, paths resolved.
@Suite struct DecodedValuesTests {
    @Test func defaultTargetsAreTheHubAndEveryService() throws {
        let config = try SitesConfig.load(path: try Fixture.write(Fixture.base))
        let commune = try #require(config.commune(code: "11953"))
        #expect(commune.targets == nil)
        let targets = config.targets(for: commune)
        #expect(targets.map(\.name) == ["hub", "portal", "dns"])
        #expect(targets.map(\.kind) == [.icmp, .tcp(port: 443), .icmp])
        #expect(targets.allSatisfy { $0.thresholds == config.defaults.thresholds })
        #expect(
            config.defaults.probe
                == ProbeSettings(
                    probes: 20, step: .seconds(60), timeout: .seconds(2), interval: .seconds(1), payloadBytes: 56))
    }

    @Test func addressesAreCanonical() throws {
        let yaml = Fixture.base(line: 29, replacing: "10.33.0.1", with: "\"FD33:0:0:0::0010\"")
        let config = try SitesConfig.load(path: try Fixture.write(yaml))
        let commune = try #require(config.commune(code: "13063"))
        #expect(config.targets(for: commune).first?.address.description == "fd33::10")
    }

    @Test func relativePathsResolveAgainstTheFilesFolder() throws {
        let yaml = Fixture.base(
            line: 41, replacing: "secret: whsec_bmV0bW9uLXRlc3Q=", with: "secret_file: secrets/hook")
        let path = try Fixture.write(yaml)
        let config = try SitesConfig.load(path: path)
        let folder = (path as NSString).deletingLastPathComponent
        #expect(config.alerts.receiver(named: "noc-webhook")?.webhook?.secretFile == folder + "/secrets/hook")
        #expect(config.sourcePath == path)
    }

    @Test func sourcePathIsStandardized() throws {
        let path = try Fixture.write(Fixture.base)
        let folder = (path as NSString).deletingLastPathComponent
        let config = try SitesConfig.decode(yaml: Fixture.base, path: folder + "/./sub/../sites.yaml")
        #expect(config.sourcePath == path)
    }
}
