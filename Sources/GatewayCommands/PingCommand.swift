import ArgumentParser
import Foundation
import NetMonitor
import NetworkAddress
import ProbeAgent
import SiteCatalog

extension Gateway {
    /// `netmon ping`: ICMP echo or TCP connect probes to many targets at once, fping-style schedule.
    public struct Ping: AsyncParsableCommand {
        public init() {}

        public static let configuration = CommandConfiguration(
            commandName: "ping",
            abstract: "Measure round-trip latency, jitter and loss to targets with ICMP or TCP probes.",
            discussion: """
                Targets come from the arguments, a file (-f, one per line, # comments) or a commune of sites.yaml \
                (--site CODE). Bare numbers in durations are milliseconds, as in fping (--period 50 = 50 ms).
                Statistics: median of an even count is the mean of the two middle values; stddev is the \
                population standard deviation (as ping's mdev); p95 is nearest-rank (RFC 2330); jitter is the \
                RFC 3550 interarrival jitter computed on the RTT series; PDV is RFC 5481 p99 − min; a probe not \
                answered within --timeout is lost (RFC 7680) and duplicates count once.
                Exit status: 0 when every target answered at least once, 1 when some did not, 2 on usage or \
                permission errors.
                """
        )

        @Argument(help: "Host names or addresses to probe.")
        var targets: [String] = []

        @Option(
            name: [.customShort("f"), .long], help: "Read targets from this file, one per line ('#' starts a comment).")
        var file: String?

        @Option(help: "Probe the targets of this commune (GSO code) from sites.yaml.")
        var site: String?

        @Option(help: "The sites.yaml to read with --site.")
        var config: String = "sites.yaml"

        @Option(name: [.short, .long], help: "Probes per target.")
        var count: Int?

        @Option(name: [.short, .long], help: "Time between probes to the same target (fping -p), e.g. 50 or 1s.")
        var period: DurationArgument?

        @Option(name: [.short, .long], help: "Minimum time between any two probes (fping -i), e.g. 1 or 500us.")
        var interval: DurationArgument = DurationArgument(seconds: 0.010)

        @Option(name: [.short, .long], help: "Wait this long for each reply before counting the probe lost.")
        var timeout: DurationArgument?

        @Option(name: [.short, .long], help: "ICMP payload bytes after the 8-byte echo header.")
        var size: Int?

        @Option(help: "TTL (IPv4) or hop limit (IPv6) of the probes, 1-255.")
        var ttl: Int?

        @Option(help: "TOS byte (IPv4) or traffic class (IPv6) of the probes, 0-255.")
        var tos: Int?

        @Option(help: "Probe with TCP connects to this port instead of ICMP echo (targets from arguments and files).")
        var tcp: UInt16?

        @Flag(help: "Print one JSON document with the summary instead of lines and a table.")
        var json = false

        @Option(help: .hidden)
        var socket: String = "automatic"

        @Flag(help: .hidden)
        var scheduleReport = false

        /// `text` without leading and trailing `CharacterSet.whitespaces`; a line with none (the usual case) is
        /// taken as it is, without Foundation's bridging.
        static func trimmed(_ text: Substring) -> String {
            guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
                CharacterSet.whitespaces.contains(first) || CharacterSet.whitespaces.contains(last)
            else { return String(text) }
            return text.trimmingCharacters(in: .whitespaces)
        }

        static func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }

        public func validate() throws {
            if self.targets.isEmpty && self.file == nil && self.site == nil {
                throw ValidationError("Give targets as arguments, with -f FILE, or with --site CODE.")
            }
            guard ICMPSocket.ModePreference(rawValue: self.socket) != nil else {
                throw ValidationError("--socket must be automatic, datagram or raw.")
            }
        }

        public func run() async throws {
            // Keep the resident set of each phase to its own pages: the runtime's and argument parser's start-up
            // pages go now, the engine's once it is done, before the summary is written.
            WorkingSetTrim.run()
            let output = PingOutput(json: self.json)
            // `address` is set for sites.yaml's targets, which are typed already; `host` is resolved otherwise.
            var requested: [(label: String, host: String, address: IPAddress?, method: ProbeEndpoint.Method)] = []
            var options = ProbeOptions(
                count: 5, period: 1, interval: self.interval.seconds, timeout: 1, payloadSize: 56, ttl: self.ttl,
                tos: self.tos, socketPreference: ICMPSocket.ModePreference(rawValue: self.socket)!)
            let method: ProbeEndpoint.Method = self.tcp.map { .tcp(port: $0) } ?? .icmp
            for target in self.targets { requested.append((target, target, nil, method)) }
            if let file = self.file {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    output.error("cannot read target file \(file).")
                    throw ExitCode(2)
                }
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    let entry = Self.trimmed(
                        line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
                    if !entry.isEmpty { requested.append((entry, entry, nil, method)) }
                }
            }
            if let code = self.site {
                let sites: SitesConfig
                do {
                    sites = try SitesConfig.load(path: self.config)
                } catch {
                    output.error("\(error)")
                    throw ExitCode(2)
                }
                guard let commune = sites.commune(code: code) else {
                    output.error("no commune with code \(code) in \(self.config).")
                    throw ExitCode(2)
                }
                let probe = sites.defaults.probe
                options.count = probe.probes
                options.period = Self.seconds(probe.interval)
                options.timeout = Self.seconds(probe.timeout)
                options.payloadSize = probe.payloadBytes
                for target in sites.targets(for: commune) {
                    let method: ProbeEndpoint.Method
                    switch target.kind {
                    case .icmp: method = .icmp
                    case .tcp(let port): method = .tcp(port: port)
                    case .stamp: continue  // measured by `netmon stamp`, not ping
                    }
                    requested.append((target.name, target.address.description, target.address, method))
                }
            }
            if let count = self.count { options.count = count }
            if let period = self.period { options.period = period.seconds }
            if let timeout = self.timeout { options.timeout = timeout.seconds }
            if let size = self.size { options.payloadSize = size }
            do {
                try options.validate()
            } catch {
                output.error(error.message)
                throw ExitCode(2)
            }

            // Resolve every name; one that fails is reported for itself while the others are probed.
            var lookups = await HostResolver.resolve(requested.filter { $0.address == nil }.map(\.host)).makeIterator()
            let resolved = requested.map { entry -> Result<IPAddress, ProbeError> in
                if let address = entry.address { return .success(address) }
                return lookups.next() ?? .failure(ProbeError(.resolveFailed, "not resolved", context: entry.host))
            }
            var rows: [PingRow] = []
            var endpoints: [ProbeEndpoint] = []
            var seen: [String: Int] = [:]
            for (entry, result) in zip(requested, resolved) {
                switch result {
                case .success(let address):
                    let key = "\(address)|\(entry.method)"
                    if let first = seen[key] {
                        output.warning("\(entry.label) is the same target as \(rows[first].label); probing it once.")
                        continue
                    }
                    seen[key] = rows.count
                    rows.append(
                        PingRow(label: entry.label, address: address, endpointIndex: endpoints.count, error: nil))
                    endpoints.append(ProbeEndpoint(label: entry.label, address: address, method: entry.method))
                case .failure(let error):
                    output.warning("\(entry.label): \(error.message)")
                    rows.append(PingRow(label: entry.label, address: nil, endpointIndex: nil, error: error.message))
                }
            }

            let engine: ProbeEngine
            do {
                engine = try ProbeEngine(endpoints: endpoints, options: options, emitsEvents: output.isLive)
            } catch {
                output.error(error.message)
                throw ExitCode(2)
            }

            // Ctrl-C: stop probing and print what we have.
            signal(SIGINT, SIG_IGN)
            let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            interrupt.setEventHandler { engine.stop() }
            interrupt.resume()
            defer { interrupt.cancel() }

            engine.start()
            let liveTask = Task {
                for await event in engine.events { output.live(event, endpoints: endpoints) }
            }
            await engine.run()
            await liveTask.value
            WorkingSetTrim.run()

            let reports = engine.snapshot()
            output.summary(rows: rows, reports: reports)
            if self.scheduleReport {
                output.schedule(engine.scheduleReport(), modes: engine.socketModes)
            }
            let everyAnswered = rows.allSatisfy { row in
                row.endpointIndex.map { reports[$0].counts.received > 0 } ?? false
            }
            if !everyAnswered { throw ExitCode(1) }
        }
    }
}

/// One line of the summary: a resolved target or a name that did not resolve.
struct PingRow {
    var label: String
    var address: IPAddress?
    var endpointIndex: Int?
    var error: String?
}
