import ArgumentParser
import Dispatch
import Foundation
import NetMonitor

extension Gateway {
    /// `netmon capture -i IFACE`: live passive measurement with summaries every interval.
    public struct Capture: AsyncParsableCommand {
        public init() {}

        public static let configuration = CommandConfiguration(
            commandName: "capture",
            abstract: "Measure live traffic on an interface with libpcap.",
            discussion: """
                Prints a summary every interval (capture drops included) and a final summary on Ctrl-C or SIGTERM. \
                With --json, one JSON object per line: {"kind":"interval"|"final","report":{…}} (the report has the \
                shape of `netmon analyze --json`, plus capture_drops). Needs CAP_NET_RAW and CAP_NET_ADMIN (root).
                Exit status: 0 after a clean stop; 1 when reading packets failed; 2 for a missing interface or a \
                bad filter; 4 without the capabilities; 64 for usage errors.
                """
        )

        @Option(name: [.customShort("i"), .long], help: "The interface to capture on (e.g. eth0, or any).")
        var interface: String

        @Option(name: .long, help: "A BPF filter expression, e.g. \"tcp or icmp\".")
        var filter: String?

        @Option(name: .long, help: "Seconds between summaries.")
        var interval: Double = 10

        @Flag(name: .long, help: "Print JSON lines instead of tables.")
        var json = false

        @Option(name: .long, help: "Bytes kept per packet (128 holds every header netmon decodes).")
        var snaplen: Int = 128

        @Option(name: .long, help: "Kernel capture buffer in MiB.")
        var bufferMib: Int = 32

        @Flag(name: .long, help: "Put the interface in promiscuous mode.")
        var promiscuous = false

        @Option(name: .long, help: "The most TCP flows tracked at once.")
        var maxFlows: Int = 100_000

        @Option(
            name: .long,
            help: """
                Hand packets over in batches at most this many milliseconds late (libpcap's buffer timeout) instead \
                of one by one: far fewer wake-ups on a busy link; timestamps stay the kernel's.
                """)
        var deliveryDelay: Int?

        @OptionGroup var sites: SiteOptions

        public func validate() throws {
            guard self.interval >= 0.1 else { throw ValidationError("--interval must be at least 0.1 seconds.") }
            guard (64...65_535).contains(self.snaplen) else {
                throw ValidationError("--snaplen must be in 64...65535.")
            }
            guard (1...4096).contains(self.bufferMib) else {
                throw ValidationError("--buffer-mib must be in 1...4096.")
            }
            guard self.maxFlows > 0 else { throw ValidationError("--max-flows must be positive.") }
            if let delay = self.deliveryDelay, !(1...10_000).contains(delay) {
                throw ValidationError("--delivery-delay must be in 1...10000 milliseconds.")
            }
        }

        public func run() async throws {
            let options = LiveCaptureOptions(
                interface: self.interface, snapshotLength: self.snaplen, bufferSize: self.bufferMib << 20,
                filter: self.filter, promiscuous: self.promiscuous,
                reportInterval: .milliseconds(Int64(self.interval * 1000)),
                analyzer: AnalyzerConfiguration(maximumFlows: self.maxFlows, sites: try self.sites.siteMap()),
                deliveryDelay: self.deliveryDelay.map { .milliseconds($0) })
            let capture: LiveCapture
            do {
                capture = try LiveCapture(options: options)
            } catch {
                Self.printError("\(error)")
                switch error.code {
                case .permissionDenied: throw ExitCode(4)
                case .noSuchDevice, .badFilter, .interfaceDown, .unsupportedLinkType: throw ExitCode(2)
                default: throw ExitCode(1)
                }
            }
            for warning in capture.warnings { Self.printError("warning: \(warning)") }

            // Ctrl-C and SIGTERM ask the capture thread to finish; it then yields the final summary.
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            let signals = [SIGINT, SIGTERM].map { number in
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { capture.stop() }
                source.resume()
                return source
            }
            defer { signals.forEach { $0.cancel() } }

            Self.printError(
                "capturing on \(self.interface) (\(capture.linkType), snaplen \(self.snaplen), buffer \(self.bufferMib) MiB"
                    + (self.filter.map { ", filter \"\($0)\"" } ?? "") + "); Ctrl-C stops")
            do {
                for try await event in capture.events() {
                    if self.json {
                        print(try ReportFormatter.json(event))
                    } else {
                        switch event {
                        case .interval(let report):
                            print(ReportFormatter.text(report, title: "interval", linkType: nil) + "\n")
                        case .final(let report):
                            print(ReportFormatter.text(report, title: "final summary", linkType: capture.linkType))
                        }
                    }
                    fflush(nil)
                }
            } catch {
                Self.printError("\(error)")
                throw ExitCode(1)
            }
        }

        static func printError(_ message: String) {
            FileHandle.standardError.write(Data("netmon capture: \(message)\n".utf8))
        }
    }
}
