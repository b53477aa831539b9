import Foundation
import SiteCatalog
import Testing

/// The `capture` blocks: defaults, per-commune overrides, switching off, and bad values with positions.
@Suite struct CaptureSettingsTests {
    @Test func noCaptureBlockMeansNoCapture() throws {
        let config = try SitesConfig.decode(yaml: Fixture.base, path: try Fixture.write(Fixture.base))
        #expect(config.defaults.capture == .standard)
        for commune in config.communes { #expect(config.capture(for: commune) == nil) }
    }

    @Test func defaultsApplyAndCommunesOverrideKeyByKey() throws {
        var yaml = Fixture.base(
            line: 19, replacing: "    loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }",
            with:
                "    loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }\n  capture: { interface: eth1, filter: \"tcp or icmp\", buffer_mib: 4 }"
        )
        yaml = yaml.replacingOccurrences(
            of: "probe_id: probe-11977 }", with: "probe_id: probe-11977, capture: { interface: ens4, snaplen: 96 } }")
        yaml = yaml.replacingOccurrences(
            of: "probe_id: probe-11953 }", with: "probe_id: probe-11953, capture: { enabled: false } }")
        let config = try SitesConfig.decode(yaml: yaml, path: try Fixture.write(yaml))
        let c11977 = try #require(config.commune(code: "11977"))
        let c13063 = try #require(config.commune(code: "13063"))
        let c11953 = try #require(config.commune(code: "11953"))
        let own = try #require(config.capture(for: c11977))
        #expect(own == CaptureSettings(interface: "ens4", filter: "tcp or icmp", snapshotLength: 96, bufferMiB: 4))
        let inherited = try #require(config.capture(for: c13063))
        #expect(
            inherited == CaptureSettings(interface: "eth1", filter: "tcp or icmp", snapshotLength: 128, bufferMiB: 4))
        #expect(config.capture(for: c11953) == nil)
    }

    @Test func badValuesAreReportedWhereTheyAre() throws {
        let yaml = Fixture.base(
            line: 19, replacing: "    loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }",
            with:
                "    loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }\n  capture: { interface: eth/1, snaplen: 20, buffer_mib: 0, enabeld: true }"
        )
        let problems = try Fixture.problems(yaml)
        #expect(
            problems == [
                "20:25: `defaults.capture.interface` must be a Linux interface name (1–15 characters, no `/`, `:` or spaces, not `.` or `..`), e.g. eth1 or any; found `eth/1`",
                "20:41: `defaults.capture.snaplen` must be between 64 and 65535, found 20",
                "20:57: `defaults.capture.buffer_mib` must be between 1 and 1024, found 0",
                "20:60: unknown key `enabeld` in capture; did you mean `enabled`?",
            ])
    }

    @Test func interfaceNames() {
        #expect(CaptureSettings.standard.isActive == false)
        #expect(CaptureSettings(interface: "any", filter: nil, snapshotLength: 128, bufferMiB: 2).isActive)
        #expect(
            CaptureSettings(interface: "eth0", filter: nil, snapshotLength: 128, bufferMiB: 2, enabled: false).isActive
                == false)
    }
}
