import Foundation
import NetMonitor

/// Renders capture reports as JSON (stable snake_case fields) or as readable tables.
enum ReportFormatter {
    /// The report as JSON, the same bytes `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes.
    static func json(_ report: CaptureReport) throws -> String {
        String(decoding: report.jsonBytes(), as: UTF8.self)
    }

    /// A live capture event as `{"kind": "interval" | "final", "report": …}`.
    static func json(_ event: LiveCaptureEvent) throws -> String {
        switch event {
        case .interval(let report): String(decoding: report.jsonBytes(kind: "interval"), as: UTF8.self)
        case .final(let report): String(decoding: report.jsonBytes(kind: "final"), as: UTF8.self)
        }
    }

    private static func ms(_ value: Double?) -> String {
        guard let value else { return "-" }
        return value < 10 ? String(format: "%.3f", value) : String(format: "%.1f", value)
    }

    private static func rtt(_ summary: RTTSummary?) -> String {
        guard let summary else { return "-" }
        return "\(self.ms(summary.median))/\(self.ms(summary.p95)) (\(summary.samples))"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func text(_ report: CaptureReport, title: String, linkType: LinkType?) -> String {
        var lines: [String] = []
        let span = report.start.map { "\($0) → \(report.end ?? $0)" } ?? "no packets"
        lines.append(
            "\(title): \(report.packets) packets, \(report.malformed) malformed, \(report.notIP) not IP"
                + (linkType.map { ", \($0)" } ?? "") + "; \(span)")
        if report.untrackedPackets > 0 {
            lines.append("  \(report.untrackedPackets) TCP packets not tracked: the flow table was full")
        }
        for example in report.malformedExamples {
            lines.append("  malformed packet \(example.packet): \(example.reason)")
        }
        if let drops = report.drops {
            lines.append(
                "  capture: \(drops.received) received, \(drops.dropped) dropped by the buffer, \(drops.interfaceDropped) by the interface"
            )
        }
        lines.append("")
        lines.append("TCP flows: \(report.flows.count)   (RTT columns: median/p95 ms (samples))")
        if !report.flows.isEmpty {
            lines.append(
                self.pad("client", 28) + self.pad("server", 28) + self.pad("packets", 9) + self.pad("handshake", 11)
                    + self.pad("server RTT", 22) + self.pad("client RTT", 22) + "retrans")
            for flow in report.flows.prefix(200) {
                lines.append(
                    self.pad("\(flow.client):\(flow.clientPort)", 28)
                        + self.pad("\(flow.server):\(flow.serverPort)", 28)
                        + self.pad("\(flow.packets)", 9) + self.pad(self.ms(flow.handshakeRTTMilliseconds), 11)
                        + self.pad(self.rtt(flow.serverRTT), 22) + self.pad(self.rtt(flow.clientRTT), 22)
                        + "\(flow.retransmissions)/\(flow.dataSegments)")
            }
            if report.flows.count > 200 { lines.append("… \(report.flows.count - 200) more (use --json for all)") }
        }
        lines.append("")
        lines.append("ICMP echo: \(report.icmp.count)")
        for pinger in report.icmp {
            lines.append(
                "  \(pinger.source) → \(pinger.destination) id \(pinger.identifier) (\(pinger.protocolName)): "
                    + "\(pinger.sent) sent, \(pinger.received) received, \(pinger.lost) lost, RTT \(self.rtt(pinger.rtt))"
            )
        }
        if !report.sites.isEmpty {
            lines.append("")
            lines.append(
                self.pad("site", 14) + self.pad("flows", 7) + self.pad("packets", 10) + self.pad("bytes", 12)
                    + self.pad("RTT", 22) + self.pad("retrans ratio", 15) + "ICMP RTT")
            for site in report.sites {
                lines.append(
                    self.pad(site.site, 14) + self.pad("\(site.flows)", 7) + self.pad("\(site.packets)", 10)
                        + self.pad("\(site.bytes)", 12) + self.pad(self.rtt(site.rtt), 22)
                        + self.pad(site.retransmissionRatio.map { String(format: "%.4f", $0) } ?? "-", 15)
                        + self.rtt(site.icmpRTT))
            }
        }
        return lines.joined(separator: "\n")
    }
}
