import Foundation
import SiteCatalog

/// Temporary sites.yaml files for the tests, and the repository's own.
enum Fixture {
    /// The repository root, found from this file's path.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The repository's sites.yaml.
    static var repositorySitesPath: String { repositoryRoot + "/sites.yaml" }

    /// This test process's scratch folder, `$TMPDIR/sitecatalog-tests-<pid>`. Folders left by earlier runs whose
    /// process is gone are removed first, so runs do not pile up files (Swift Testing has no end-of-run hook).
    static let scratchRoot: String = {
        let temporary = (NSTemporaryDirectory() as NSString).standardizingPath
        let prefix = "sitecatalog-tests-"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: temporary + "/" + entry)
        }
        return temporary + "/" + prefix + String(getpid())
    }()

    /// A fresh folder for one test, inside `scratchRoot`.
    static func makeDirectory() throws -> String {
        let path = scratchRoot + "/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `yaml` to a new file `sites.yaml` in a fresh folder and returns its path.
    static func write(_ yaml: String, name: String = "sites.yaml") throws -> String {
        let path = try makeDirectory() + "/" + name
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The diagnostics for `yaml` written to a temporary file, as `line:column: message` strings.
    static func problems(_ yaml: String) throws -> [String] {
        let path = try write(yaml)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        return SitesConfig.validate(path: path).map { "\($0.line):\($0.column): \($0.message)" }
    }

    /// A small valid sites.yaml (three communes, no boundaries file). Tests change single lines of it; line numbers
    /// in their expectations refer to this text.
    static let base = """
        version: 1
        province:
          name: Hưng Yên
          code: "33"
        network:
          supernet: 10.33.0.0/16
          datacenter:
            name: Trung tâm Dữ liệu
            subnet: 10.33.0.0/24
            hub: 10.33.0.1
            services:
              - { name: portal, address: 10.33.0.10, kind: tcp, port: 443 }
              - { name: dns, address: 10.33.0.53, kind: icmp }
          commune_prefix_length: 24
        defaults:
          probe: { probes: 20, step: 60s, timeout: 2s, interval: 1s, payload_bytes: 56 }
          thresholds:
            latency_ms: { warn: 50, critical: 150, clear: 40 }
            loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }
        communes:
          - { code: "11953", name: Phường Phố Hiến, subnet: 10.33.1.0/24, gateway: 10.33.1.1, probe_id: probe-11953 }
          - { code: "11977", name: Xã Tân Hưng, subnet: 10.33.2.0/24, gateway: 10.33.2.1, probe_id: probe-11977 }
          - code: "13063"
            name: Xã Nam Tiền Hải
            subnet: 10.33.3.0/24
            gateway: 10.33.3.1
            probe_id: probe-13063
            targets:
              - { name: hub, address: 10.33.0.1, kind: icmp }
              - { name: portal, address: 10.33.0.10, kind: tcp, port: 443, thresholds: { latency_ms: { warn: 80, critical: 200, clear: 60 } } }
        coverage:
          resolution: 8
          min_samples: 3
          floors:
            3G: { metric: rscp_dbm, dbm: -110 }
            4G: { metric: rsrp_dbm, dbm: -115 }
            5G: { metric: nr_ss_rsrp_dbm, dbm: -110 }
          targets: { 4g_every_commune: true, 5g_area_ratio: 0.60, max_dead_zones: 0 }
        alerts:
          receivers:
            - { name: noc-webhook, webhook: { url: http://127.0.0.1:9099/hook, secret: whsec_bmV0bW9uLXRlc3Q=, format: standard } }
            - { name: noc-email, email: { to: [noc@example.vn], from: netmon@example.vn, smarthost: 127.0.0.1:587 } }
          route:
            receiver: noc-webhook
            group_by: [alertname, commune]
            group_wait: 30s
            routes:
              - { matchers: ["severity=critical"], receiver: noc-email, continue: true }
          rules: { gateway_silent_minutes: 5, for: 2m }
        """

    /// `base` with line `number` (1-based) replaced by `text`.
    static func base(replacing number: Int, with text: String) -> String {
        var lines = base.components(separatedBy: "\n")
        lines[number - 1] = text
        return lines.joined(separator: "\n")
    }

    /// `base` with `old` replaced by `new` on line `number` only (the change must apply).
    static func base(line number: Int, replacing old: String, with new: String) -> String {
        var lines = base.components(separatedBy: "\n")
        precondition(lines[number - 1].contains(old), "line \(number) has no `\(old)`")
        lines[number - 1] = lines[number - 1].replacingOccurrences(of: old, with: new)
        return lines.joined(separator: "\n")
    }
}
