import ArgumentParser
import Foundation
import NetMonitor

extension Gateway {
    /// `netmon analyze FILE`: passive measurement of a pcap or pcapng file.
    public struct Analyze: AsyncParsableCommand {
        public init() {}

        public static let configuration = CommandConfiguration(
            commandName: "analyze",
            abstract: "Measure RTTs, retransmissions and ICMP echoes in a capture file.",
            discussion: """
                Reads pcap and pcapng files (Ethernet with VLAN tags, Linux cooked SLL/SLL2, raw IP, loopback).
                Exit status: 0 when the whole file was read; 2 when it cannot be opened; 3 when it is corrupt or \
                cut short (the report of what was read is printed first); 64 for usage errors.
                """
        )

        @Argument(help: "The pcap or pcapng file to analyse.")
        var file: String

        @Flag(name: .long, help: "Print the report as JSON instead of a table.")
        var json = false

        @OptionGroup var sites: SiteOptions

        @Option(name: .long, help: "How long an echo request waits for its reply before it counts as lost, in seconds.")
        var icmpTimeout: Double = 2

        @Option(name: .long, help: "The most TCP flows tracked at once.")
        var maxFlows: Int = 100_000

        public func validate() throws {
            guard self.icmpTimeout > 0 else { throw ValidationError("--icmp-timeout must be positive.") }
            guard self.maxFlows > 0 else { throw ValidationError("--max-flows must be positive.") }
        }

        public func run() async throws {
            let configuration = AnalyzerConfiguration(
                maximumFlows: self.maxFlows, icmpTimeout: .milliseconds(Int64(self.icmpTimeout * 1000)),
                sites: try self.sites.siteMap())
            let result = await OfflineAnalysis.run(path: self.file, configuration: configuration)
            if let error = result.error, error.code == .cannotOpenFile {
                FileHandle.standardError.write(Data("netmon analyze: \(error)\n".utf8))
                throw ExitCode(2)
            }
            if self.json {
                print(try ReportFormatter.json(result.report))
            } else {
                print(ReportFormatter.text(result.report, title: self.file, linkType: result.linkType))
            }
            if let error = result.error {
                let read = "after reading \(result.report.packets) packets"
                FileHandle.standardError.write(Data("netmon analyze: \(error) (\(read))\n".utf8))
                throw ExitCode(error.code == .corruptFile ? 3 : 2)
            }
        }
    }
}
