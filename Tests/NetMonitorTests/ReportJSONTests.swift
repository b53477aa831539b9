import Foundation
import NetworkAddress
import TestSupport
import Testing

@testable import NetMonitor

/// The report's direct JSON writer must write exactly what `JSONEncoder` writes for the `Encodable` report.
@Suite("capture report JSON")
struct ReportJSONTests {
    static func encoded(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    struct Tagged: Encodable {
        var kind: String
        var report: CaptureReport
    }

    @Test(
        "byte for byte JSONEncoder's output, on every real capture",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"),
        arguments: [
            "zeek-http-m57-long-49583-80.pcap", "zeek-tcp-ssh-dups.pcap", "zeek-tcp-timestamp.pcap",
            "zeek-icmp-5-pings.pcap", "zeek-icmp6-ping.pcap", "chrissanders-ppa1e-icmp.pcap",
        ])
    func sameBytes(_ name: String) throws {
        // Every address becomes a site, so site objects get written too.
        let sites = SiteMap(
            try [("10.0.0.0/8", "ten"), ("192.168.0.0/16", "home"), ("0.0.0.0/0", "rest"), ("::/0", "six")].map {
                (network: try #require(IPNetwork($0.0)), site: $0.1)
            })
        let result = OfflineAnalysis.runSynchronously(
            path: CaptureFixtures.pcap(name), configuration: AnalyzerConfiguration(sites: sites))
        var report = result.report
        #expect(report.packets > 0)
        #expect(report.jsonBytes() == (try Self.encoded(report)))
        report.drops = CaptureDrops(received: 12, dropped: 3, interfaceDropped: 0)
        report.totalDrops = CaptureDrops(received: 1 << 40, dropped: 0, interfaceDropped: 7)
        report.malformedExamples.append(
            MalformedExample(packet: 9, reason: "quote \" backslash \\ tab \t bell \u{07} é"))
        #expect(report.jsonBytes(kind: "interval") == (try Self.encoded(Tagged(kind: "interval", report: report))))
    }
}
