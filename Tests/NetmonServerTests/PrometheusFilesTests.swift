import Foundation
import TestSupport
import Testing

/// deploy/prometheus: the scrape configuration and alert rules for netmon's own metrics (docs/OPERATIONS.md).
@Suite("Prometheus files for monitoring netmon")
struct PrometheusFilesTests {
    static let folder = RepositoryData.root.appendingPathComponent("deploy/prometheus")

    @Test(
        "promtool check config accepts prometheus.yml with its token, CA and rules in place",
        .enabled(if: Shell.hasProgram("promtool"), "needs promtool (Debian: prometheus)"))
    func config() throws {
        // The configuration names files under /etc/prometheus (promtool checks they exist): the same configuration
        // with that folder moved to a temporary one holding a token, a CA file and the rules.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-prom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try String(contentsOf: Self.folder.appendingPathComponent("prometheus.yml"), encoding: .utf8)
        #expect(original.contains("credentials_file: /etc/prometheus/netmon.token"))
        let moved = original.replacingOccurrences(of: "/etc/prometheus/", with: dir.path + "/")
        try moved.write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            at: Self.folder.appendingPathComponent("netmon-rules.yml"),
            to: dir.appendingPathComponent("netmon-rules.yml"))
        try "viewer-token\n".write(to: dir.appendingPathComponent("netmon.token"), atomically: true, encoding: .utf8)
        try "".write(to: dir.appendingPathComponent("netmon-ca.crt"), atomically: true, encoding: .utf8)
        let output = try Shell.run(["promtool", "check", "config", dir.appendingPathComponent("prometheus.yml").path])
        #expect(output.stdout.contains("1 rule files found"), "\(output.stdout)")
        // Without the token file the check fails: promtool really looks at the files.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("netmon.token"))
        let missing = try Shell.run(
            ["promtool", "check", "config", dir.appendingPathComponent("prometheus.yml").path], check: false)
        #expect(missing.status != 0)
    }

    @Test(
        "promtool check rules accepts netmon-rules.yml",
        .enabled(if: Shell.hasProgram("promtool"), "needs promtool (Debian: prometheus)"))
    func rules() throws {
        let output = try Shell.run([
            "promtool", "check", "rules", Self.folder.appendingPathComponent("netmon-rules.yml").path,
        ])
        #expect(output.stdout.contains("SUCCESS"), "\(output.stdout)")
    }

    @Test("every netmon metric the rules use is one the server or the probe daemon exposes")
    func metricNames() throws {
        let rules = try String(contentsOf: Self.folder.appendingPathComponent("netmon-rules.yml"), encoding: .utf8)
        let expressions = rules.split(separator: "\n").filter { $0.contains("expr:") }.joined(separator: "\n")
        let used = Set(expressions.matches(of: /netmon_[a-z_]+/).map { String($0.output) })
        #expect(used.count >= 10)
        var exposed = ""
        for file in [
            "Sources/NetmonServer/Metrics/ServerMetrics.swift",
            "Sources/NetmonServer/Connections/ConnectionLimiter.swift",
            "Sources/NetmonServer/Coverage/CoverageRecomputation.swift", "Sources/ServerAlerting/AlertingAPI.swift",
            "Sources/ProbeAgent/Metrics/MetricsRegistry.swift", "Sources/Alerting/Delivery/DeliveryWorker.swift",
        ] {
            exposed += try String(contentsOf: RepositoryData.root.appendingPathComponent(file), encoding: .utf8)
        }
        for name in used.sorted() {
            #expect(exposed.contains("\"\(name)") || exposed.contains("# TYPE \(name) "), "\(name) is not exposed")
        }
    }
}
