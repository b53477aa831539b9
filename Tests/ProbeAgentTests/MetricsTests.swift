import Foundation
import NetmonProtocol
import TestSupport
import Testing

@testable import ProbeAgent

@Suite("Metrics")
struct MetricsTests {
    func sampleRegistry() -> MetricsRegistry {
        let registry = MetricsRegistry(commune: "12345", version: "1.0.0-test")
        registry.register(commune: "12345", target: "portal \"main\"")
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        registry.observe(
            ProbeRound(
                probeID: "probe-12345", sequence: 1, commune: "12345", target: "hub", address: "10.33.0.1",
                kind: "icmp",
                start: start, stepSeconds: 60, sent: 20, received: 18,
                rttSeconds: [0.00004, 0.00005, 0.0001, 0.0004] + Array(repeating: 0.012, count: 13) + [30],
                jitterSeconds: 0.001))
        registry.setCaptureDrops(7, interface: "eth0")
        registry.setOutbox(pending: 42, dropped: 0)
        return registry
    }

    @Test(
        "the exposition passes promtool check metrics",
        .enabled(if: Promtool.isAvailable, "promtool is not installed"))
    func promtool() throws {
        let text = sampleRegistry().render()
        let verdict = try #require(try Promtool.checkMetrics(text))
        #expect(verdict.status == 0, "promtool: \(verdict.output)\n\(text)")
        #expect(verdict.output.isEmpty, "promtool warnings: \(verdict.output)")
    }

    @Test("counters, histogram buckets and gauges hold the observed values")
    func values() {
        let text = sampleRegistry().render()
        #expect(text.contains(#"netmon_probe_packets_sent_total{commune="12345",target="hub"} 20"#))
        #expect(text.contains(#"netmon_probe_packets_received_total{commune="12345",target="hub"} 18"#))
        #expect(text.contains(#"netmon_probe_rtt_seconds_bucket{commune="12345",target="hub",le="5e-05"} 2"#))
        #expect(text.contains(#"netmon_probe_rtt_seconds_bucket{commune="12345",target="hub",le="0.0001"} 3"#))
        #expect(text.contains(#"netmon_probe_rtt_seconds_bucket{commune="12345",target="hub",le="0.0004"} 4"#))
        #expect(text.contains(#"netmon_probe_rtt_seconds_bucket{commune="12345",target="hub",le="0.0128"} 17"#))
        #expect(text.contains(#"netmon_probe_rtt_seconds_bucket{commune="12345",target="hub",le="26.2144"} 17"#))
        #expect(text.contains(#"netmon_probe_rtt_seconds_bucket{commune="12345",target="hub",le="+Inf"} 18"#))
        #expect(text.contains(#"netmon_probe_rtt_seconds_count{commune="12345",target="hub"} 18"#))
        #expect(text.contains(#"netmon_probe_loss_ratio{commune="12345",target="hub"} 0.1"#))
        #expect(text.contains(#"netmon_probe_packets_sent_total{commune="12345",target="portal \"main\""} 0"#))
        #expect(text.contains(#"netmon_capture_drops_total{commune="12345",interface="eth0"} 7"#))
        #expect(text.contains(#"netmon_outbox_pending{commune="12345"} 42"#))
        #expect(text.contains(#"netmon_build_info{version="1.0.0-test"} 1"#))
        #expect(MetricsRegistry.rttBuckets.count == 20)
        #expect(MetricsRegistry.rttBuckets.first == 0.00005)
    }

    @Test("every family keeps its name and type, and the histogram its buckets")
    func families() {
        let text = sampleRegistry().render()
        let types = Set(text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.dropFirst(7) })
        #expect(
            types == [
                "netmon_build_info gauge", "netmon_capture_drops_total counter",
                "netmon_forward_failures_total counter", "netmon_forwarded_rounds_total counter",
                "netmon_outbox_dropped_total counter", "netmon_outbox_pending gauge",
                "netmon_outbox_rejected_total counter", "netmon_probe_loss_ratio gauge",
                "netmon_probe_packets_received_total counter", "netmon_probe_packets_sent_total counter",
                "netmon_probe_rtt_seconds histogram", "netmon_store_errors_total counter",
            ])
        // Each family once, with its help.
        #expect(text.components(separatedBy: "# TYPE ").count - 1 == types.count)
        #expect(text.components(separatedBy: "# HELP ").count - 1 == types.count)
        let buckets = text.split(separator: "\n").filter {
            $0.hasPrefix(#"netmon_probe_rtt_seconds_bucket{commune="12345",target="hub","#)
        }
        #expect(buckets.count == MetricsRegistry.rttBuckets.count + 1)
    }

    @Test("/metrics and /healthz are served over HTTP")
    func endpoint() async throws {
        let registry = sampleRegistry()
        let port = PortBox()
        let app = MetricsEndpoint.makeApplication(
            registry: registry, host: "127.0.0.1", port: 0, staleAfter: .seconds(60),
            onBound: { port.set($0) }, logger: .init(label: "test"))
        try await withRunningService(app) {
            // A loaded machine may take a while to bind; fail the test (not the process) if it never does.
            #expect(await eventually(timeout: .seconds(60)) { port.value != nil })
            let bound = try #require(port.value)
            let base = "http://127.0.0.1:\(bound)"
            let (metrics, response) = try await httpGet("\(base)/metrics")
            #expect(response.statusCode == 200)
            #expect(response.value(forHTTPHeaderField: "Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            #expect(metrics.contains("netmon_outbox_pending{commune=\"12345\"} 42"))
            let (health, healthResponse) = try await httpGet("\(base)/healthz")
            #expect(healthResponse.statusCode == 200)
            #expect(health == "ok\n")
        }
    }
}
