import Foundation
import ModemSignal
import SiteCatalog
import Testing

/// The `signal` and `location` blocks: defaults, per-commune overrides key by key (as `capture`), switching off,
/// and bad values or missing pieces reported with their positions.
@Suite struct SignalSettingsTests {
    static let lossLine = "    loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }"

    /// The fixture with `extra` added under `defaults` (from line 20 on).
    static func withDefaults(_ extra: String) -> String {
        Fixture.base(line: 19, replacing: Self.lossLine, with: Self.lossLine + "\n" + extra)
    }

    @Test func noSignalBlockMeansNoMonitor() throws {
        let config = try SitesConfig.decode(yaml: Fixture.base, path: try Fixture.write(Fixture.base))
        #expect(config.defaults.signal == .standard)
        #expect(config.defaults.location == nil)
        for commune in config.communes {
            #expect(config.signal(for: commune) == nil)
            #expect(config.location(for: commune) == nil)
        }
    }

    @Test func defaultsApplyAndCommunesOverrideKeyByKey() throws {
        var yaml = Self.withDefaults("  signal: { source: mmcli, interval: 2m, device: 0 }")
        yaml = yaml.replacingOccurrences(
            of: "probe_id: probe-11977 }",
            with:
                "probe_id: probe-11977, location: { lat: 20.6465, lon: 106.0512 }, signal: { source: qmicli, device: /dev/cdc-wdm0 } }"
        )
        yaml = yaml.replacingOccurrences(
            of: "probe_id: probe-11953 }",
            with: "probe_id: probe-11953, location: { lat: 20.65, lon: 106.06 }, signal: { interval: 30s } }")
        yaml = yaml.replacingOccurrences(
            of: "    probe_id: probe-13063\n", with: "    probe_id: probe-13063\n    signal: { enabled: false }\n")
        let config = try SitesConfig.decode(yaml: yaml, path: try Fixture.write(yaml))
        let c11977 = try #require(config.commune(code: "11977"))
        let c11953 = try #require(config.commune(code: "11953"))
        let c13063 = try #require(config.commune(code: "13063"))
        #expect(
            config.signal(for: c11977)
                == SignalSettings(source: .qmicli, interval: .seconds(120), device: "/dev/cdc-wdm0"))
        #expect(config.location(for: c11977) == GatewayLocation(lat: 20.6465, lon: 106.0512))
        #expect(config.signal(for: c11953) == SignalSettings(source: .mmcli, interval: .seconds(30), device: "0"))
        #expect(config.signal(for: c13063) == nil)
    }

    @Test func quectelTakesItsSINRScale() throws {
        var yaml = Self.withDefaults("  location: { lat: 20.5, lon: 106.3 }")
        yaml = yaml.replacingOccurrences(
            of: "probe_id: probe-11977 }",
            with: "probe_id: probe-11977, signal: { source: quectel, device: /dev/ttyUSB2, lte_sinr: db } }")
        let config = try SitesConfig.decode(yaml: yaml, path: try Fixture.write(yaml))
        let commune = try #require(config.commune(code: "11977"))
        let signal = try #require(config.signal(for: commune))
        #expect(signal.source == .quectel && signal.lteSINR == .decibels && signal.device == "/dev/ttyUSB2")
        #expect(signal.interval == .seconds(300))
        #expect(config.location(for: commune) == GatewayLocation(lat: 20.5, lon: 106.3))
    }

    @Test func badValuesAreReportedWhereTheyAre() throws {
        let yaml = Self.withDefaults(
            "  signal: { source: mmcl, interval: 5s, lte_sinr: tenths, enabeld: true }\n"
                + "  location: { lat: 120, lon: -200.5 }")
        let problems = try Fixture.problems(yaml)
        #expect(
            problems == [
                "20:21: `mmcl` is not one of `mmcli`, `qmicli`, `quectel` for `defaults.signal.source`; did you mean `mmcli`?",
                "20:37: `defaults.signal.interval` must be between 10s and 24h, found 5s",
                "20:51: `tenths` is not one of `fifths`, `db` for `defaults.signal.lte_sinr`",
                "20:59: unknown key `enabeld` in signal; did you mean `enabled`?",
                "21:20: `defaults.location.lat` must be a latitude between -90 and 90 degrees, found 120",
                "21:30: `defaults.location.lon` must be a longitude between -180 and 180 degrees, found -200.5",
            ])
    }

    @Test func mergedSettingsNeedADeviceAndALocation() throws {
        var yaml = Self.withDefaults("  signal: { source: qmicli }\n  location: { lat: 20.6 }")
        yaml = yaml.replacingOccurrences(
            of: "probe_id: probe-11977 }",
            with: "probe_id: probe-11977, location: { lat: 20.6, lon: 106.1 }, signal: { device: ttyUSB2 } }")
        yaml = yaml.replacingOccurrences(
            of: "probe_id: probe-11953 }",
            with: "probe_id: probe-11953, signal: { source: mmcli, device: /dev/cdc-wdm0 } }")
        yaml = yaml.replacingOccurrences(
            of: "    probe_id: probe-13063\n", with: "    probe_id: probe-13063\n    signal: { enabled: false }\n")
        let problems = try Fixture.problems(yaml)
        #expect(
            problems == [
                "21:13: `defaults.location` needs both `lat` and `lon` (WGS 84 degrees); `lon` is missing, e.g. location: { lat: 20.65, lon: 106.05 }",
                "23:118: commune 11953 runs a signal monitor but has no `location`: its reports need the gateway's place; add location: { lat, lon } to the commune (or set `enabled: false` in its `signal`)",
                "23:118: commune 11953: `device` `/dev/cdc-wdm0` is not a ModemManager modem for mmcli: write its index (e.g. 0, as `mmcli -L` lists it), its D-Bus path or any",
                "24:151: commune 11977: `device` `ttyUSB2` must be a device path for qmicli, e.g. /dev/cdc-wdm0",
            ])
    }
}
