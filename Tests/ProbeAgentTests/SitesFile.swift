import Foundation

/// Writes a small valid sites.yaml for daemon tests: one commune whose targets are loopback addresses.
enum SitesFile {
    struct Target {
        var name: String
        var address: String
        var tcpPort: Int? = nil
    }

    static func yaml(
        code: String = "12345", probeID: String = "probe-12345", targets: [Target], probes: Int = 5,
        step: String = "1s",
        timeout: String = "300ms", interval: String = "100ms"
    ) -> String {
        var text = """
            version: 1
            province: { name: Hưng Yên, code: "33" }
            network:
              supernet: 10.33.0.0/16
              datacenter: { name: Test, subnet: 10.33.0.0/24, hub: 10.33.0.1 }
              commune_prefix_length: 24
            defaults:
              probe: { probes: \(probes), step: \(step), timeout: \(timeout), interval: \(interval), payload_bytes: 56 }
              thresholds:
                latency_ms: { warn: 50, critical: 150, clear: 40 }
                loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }
            communes:
              - code: "\(code)"
                name: Xã Thử Nghiệm
                subnet: 10.33.1.0/24
                gateway: 10.33.1.1
                probe_id: \(probeID)
                targets:

            """
        for target in targets {
            if let port = target.tcpPort {
                text += "      - { name: \(target.name), address: \(target.address), kind: tcp, port: \(port) }\n"
            } else {
                text += "      - { name: \(target.name), address: \(target.address), kind: icmp }\n"
            }
        }
        text += """
            coverage:
              floors: { 4G: { metric: rsrp_dbm, dbm: -115 }, 5G: { metric: nr_ss_rsrp_dbm, dbm: -110 } }
              targets: { 4g_every_commune: true, 5g_area_ratio: 0.60, max_dead_zones: 0 }
            alerts:
              receivers:
                - { name: hook, webhook: { url: "http://127.0.0.1:9/hook" } }
              route: { receiver: hook }

            """
        return text
    }

    static func write(_ text: String, to url: URL) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}
