import Foundation
import SiteCatalog
import Synchronization
import TestSupport

@testable import NetmonLab

/// A small lab sites.yaml (three communes, hub, one TCP and one ICMP service) and unique lab names per test.
enum LabFixtures {
    static let yaml = """
        version: 1
        province:
          name: Lab
          code: "33"
          require_all_communes: false
        network:
          supernet: 10.33.0.0/16
          datacenter:
            name: Lab data centre
            subnet: 10.33.0.0/24
            hub: 10.33.0.1
            services:
              - { name: portal, address: 10.33.0.10, kind: tcp, port: 443 }
              - { name: dns, address: 10.33.0.53, kind: icmp }
          commune_prefix_length: 24
        defaults:
          probe: { probes: 10, step: 10s, timeout: 1s, interval: 100ms, payload_bytes: 56 }
          thresholds:
            latency_ms: { warn: 50, critical: 150, clear: 40 }
            loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }
        communes:
          - { code: "11953", name: A, subnet: 10.33.1.0/24, gateway: 10.33.1.1, probe_id: probe-11953 }
          - { code: "11977", name: B, subnet: 10.33.2.0/24, gateway: 10.33.2.1, probe_id: probe-11977 }
          - { code: "11980", name: C, subnet: 10.33.3.0/24, gateway: 10.33.3.1, probe_id: probe-11980 }
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
            - { name: hook, webhook: { url: http://127.0.0.1:9099/hook, secret: whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=, format: standard } }
          route: { receiver: hook, group_by: [alertname, commune] }

        """

    static func config() throws -> SitesConfig {
        try SitesConfig.decode(yaml: self.yaml, path: "/tmp/netmon-lab-test/sites.yaml")
    }

    private static let counter = Atomic<Int>(0)

    /// A lab name unique to this process and call (≤ 8 characters).
    static func uniqueLab() -> String {
        let number = self.counter.add(1, ordering: .relaxed).newValue
        return "t\(String(getpid() % 46_656, radix: 36))\(String(number, radix: 36))"
    }

    /// A fresh state root for one test.
    static func stateRoot() -> String {
        let path = NSTemporaryDirectory() + "netmon-lab-test-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// RTTs in ms and the received count from iputils ping output.
    static func pingResults(_ output: String) -> (rtts: [Double], received: Int) {
        let rtts = output.split(separator: "\n").compactMap { line -> Double? in
            guard let range = line.range(of: "time=") else { return nil }
            return Double(line[range.upperBound...].split(separator: " ")[0])
        }
        return (rtts, rtts.count)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
