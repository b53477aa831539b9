import ArgumentParser
import Foundation
import GatewayCommands
import NetMonitor
import NetworkAddress
import STAMP

extension Netmon {
    /// `netmon stamp`: STAMP (RFC 8762) one-way delay and loss per direction, and the reflector.
    struct Stamp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stamp",
            abstract: "Measure delay, loss and delay variation per direction with STAMP (RFC 8762), or reflect it.",
            subcommands: [Send.self, Reflect.self],
            defaultSubcommand: Send.self
        )
    }
}

extension Netmon.Stamp {
    /// `netmon stamp TARGET…`: the Session-Sender.
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send",
            abstract: "Send STAMP test packets to reflectors and report each direction (the default subcommand).",
            discussion: """
                Targets are ADDRESS, NAME, ADDRESS:PORT or [IPV6]:PORT; the port defaults to 862. Bare numbers in \
                durations are milliseconds.
                Per target and direction: one-way delay (RFC 7679: forward T2 − T1, reverse T4 − T3), loss \
                (RFC 7680; by direction only with a stateful reflector, whose own sequence numbers show what \
                reached it), PDV (RFC 5481 p99 − min), IPDV (RFC 3393, |difference| of consecutive packets), \
                reordering (RFC 4737) and duplicates (RFC 5560); and the round trip (T4 − T1) − (T3 − T2).
                One-way delay is published only when both ends claim a synchronised clock (the S bit, from \
                adjtimex here) and their combined error bound is at most --max-error-ratio of the delay; \
                otherwise it is withheld and the reason printed. Round trip, loss and delay variation need no \
                synchronised clocks.
                Exit status: 0 when every target answered at least once, 1 when some did not, 2 on usage, \
                permission or socket errors.
                """
        )

        @Argument(help: "Reflectors: ADDRESS, NAME, ADDRESS:PORT or [IPV6]:PORT (port 862 by default).")
        var targets: [String] = []

        @Option(name: [.short, .long], help: "Test packets per target.")
        var count: Int = 10

        @Option(name: [.short, .long], help: "Time between two packets to the same target, e.g. 100 or 20ms.")
        var interval: DurationArgument = DurationArgument(seconds: 0.1)

        @Option(name: [.short, .long], help: "Wait this long for each reply before counting the packet lost.")
        var timeout: DurationArgument = DurationArgument(seconds: 1)

        @Option(
            name: [.short, .long],
            help: "UDP payload octets: 44 (112 authenticated), or 4 or more beyond that (Extra Padding TLV).")
        var size: Int?

        @Option(help: "DSCP of the test packets, 0-63 (46 = EF, as voice).")
        var dscp: Int = 0

        @Option(help: "SSID of the session (RFC 8972), 0-65535.")
        var ssid: UInt16 = 0

        @Option(help: "Authenticated mode: a file holding the shared HMAC key in hexadecimal (32 digits or more).")
        var keyFile: String?

        @Flag(
            help:
                "Take the reflector as stateful even if every reply carries this host's sequence (one that lost nothing forward looks so)."
        )
        var statefulReflector = false

        @Option(
            help:
                "Claim a synchronised clock with this error bound instead of adjtimex's state (a PTP clock adjtimex cannot see, or both ends on one host)."
        )
        var clockError: DurationArgument?

        @Option(help: "Publish one-way delay when the combined clock error is at most this share of the delay.")
        var maxErrorRatio: Double = 0.1

        @Flag(help: "Print one JSON document instead of the table.")
        var json = false

        func validate() throws {
            if self.targets.isEmpty { throw ValidationError("Give at least one reflector.") }
            if !(self.maxErrorRatio.isFinite && self.maxErrorRatio > 0 && self.maxErrorRatio <= 1) {
                throw ValidationError("--max-error-ratio must be more than 0 and at most 1.")
            }
        }

        func run() async throws {
            let output = StampOutput(json: self.json)
            var key: STAMPKey?
            if let keyFile = self.keyFile {
                do {
                    key = try StampKeyFile.read(keyFile)
                } catch {
                    output.error("\(error)")
                    throw ExitCode(2)
                }
            }
            // Parse ADDRESS[:PORT]; names are resolved, keeping their port.
            var rows: [StampRow] = []
            var names: [(row: Int, name: String, port: UInt16)] = []
            for target in self.targets {
                if let endpoint = STAMPEndpoint(parsing: target) {
                    rows.append(StampRow(label: target, endpoint: endpoint, error: nil))
                    continue
                }
                var name = target
                var port = STAMPEndpoint.defaultPort
                if let colon = target.lastIndex(of: ":"), let value = UInt16(target[target.index(after: colon)...]) {
                    name = String(target[..<colon])
                    port = value
                }
                names.append((rows.count, name, port))
                rows.append(StampRow(label: target, endpoint: nil, error: nil))
            }
            let resolved = await HostResolver.resolve(names.map(\.name))
            for (entry, result) in zip(names, resolved) {
                switch result {
                case .success(let address):
                    rows[entry.row].endpoint = STAMPEndpoint(address: address, port: entry.port)
                case .failure(let error):
                    rows[entry.row].error = error.message
                    output.warning("\(entry.name): \(error.message)")
                }
            }
            let endpoints = rows.compactMap(\.endpoint)
            let options = STAMPSender.Options(
                count: self.count, interval: self.interval.seconds, timeout: self.timeout.seconds,
                packetLength: self.size, dscp: self.dscp, key: key, ssid: self.ssid,
                clock: self.clockError.map { ClockState.asserted(errorSeconds: $0.seconds) })
            let sender: STAMPSender
            do {
                sender = try STAMPSender(targets: endpoints, options: options)
            } catch {
                output.error(error.description)
                throw ExitCode(2)
            }
            signal(SIGINT, SIG_IGN)
            let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            interrupt.setEventHandler { sender.stop() }
            interrupt.resume()
            defer { interrupt.cancel() }

            let records = await sender.run()
            var reports: [STAMPSessionMetrics?] = []
            var recordIndex = 0
            for row in rows {
                if row.endpoint != nil {
                    reports.append(
                        STAMPSessionMetrics(
                            records[recordIndex], assumeStateful: self.statefulReflector,
                            maximumErrorRatio: self.maxErrorRatio))
                    recordIndex += 1
                } else {
                    reports.append(nil)
                }
            }
            let errorLists = rows.indices.map { index -> [String: Int] in
                guard rows[index].endpoint != nil else { return [:] }
                let position = rows[..<index].filter { $0.endpoint != nil }.count
                var errors = records[position].errors
                if records[position].foreign > 0 {
                    errors["not a reply of this session", default: 0] += records[position].foreign
                }
                return errors
            }
            output.summary(rows: rows, reports: reports, errors: errorLists)
            let everyAnswered = zip(rows, reports).allSatisfy { row, report in
                row.endpoint != nil && (report?.received ?? 0) > 0
            }
            if !everyAnswered { throw ExitCode(1) }
        }
    }

    /// `netmon stamp reflect`: the Session-Reflector.
    struct Reflect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reflect",
            abstract: "Answer STAMP test packets (RFC 8762 Session-Reflector) until stopped.",
            discussion: """
                Listens on UDP port 862 of every IPv4 and IPv6 address by default (ports below 1024 need \
                CAP_NET_BIND_SERVICE: see deploy/netmon-stamp-reflect.service). Prints `ready` and the bound \
                addresses once listening; SIGINT or SIGTERM stop it and print its counters. Stateless mode copies \
                the sender's sequence; --stateful numbers each session's packets itself, which lets senders tell \
                forward from reverse loss.
                """
        )

        @Option(
            name: .customLong("listen"),
            help: "ADDRESS[:PORT] or [IPV6][:PORT] to listen on (repeatable; default 0.0.0.0:862 and [::]:862).")
        var listen: [String] = []

        @Flag(help: "Count each session's packets in the reflector's own sequence (RFC 8762 §4.3.2).")
        var stateful = false

        @Option(help: "Authenticated mode: a file holding the shared HMAC key in hexadecimal (32 digits or more).")
        var keyFile: String?

        @Option(
            help:
                "Claim a synchronised clock with this error bound instead of adjtimex's state (a PTP clock adjtimex cannot see, or tests on one host)."
        )
        var clockError: DurationArgument?

        @Flag(help: "Claim an unsynchronised clock (S = 0) whatever adjtimex says (tests of the sender's refusal).")
        var unsynchronizedClock = false

        func validate() throws {
            for text in self.listen where STAMPEndpoint(parsing: text) == nil {
                throw ValidationError("--listen \(text) is not ADDRESS[:PORT] or [IPV6][:PORT].")
            }
            if self.clockError != nil && self.unsynchronizedClock {
                throw ValidationError("--clock-error and --unsynchronized-clock contradict each other.")
            }
        }

        func run() async throws {
            var key: STAMPKey?
            if let keyFile = self.keyFile {
                do {
                    key = try StampKeyFile.read(keyFile)
                } catch {
                    FileHandle.standardError.write(Data("netmon stamp reflect: \(error)\n".utf8))
                    throw ExitCode(2)
                }
            }
            let given = self.listen.compactMap { STAMPEndpoint(parsing: $0) }
            let defaults = ["0.0.0.0", "::"].compactMap { IPAddress($0) }.map {
                STAMPEndpoint(address: $0, port: STAMPEndpoint.defaultPort)
            }
            var clock = self.clockError.map { ClockState.asserted(errorSeconds: $0.seconds) }
            if self.unsynchronizedClock { clock = ClockState(isSynchronized: false, errorSeconds: 1) }
            let mode: STAMPReflector.Mode = self.stateful ? .stateful : .stateless
            func open(_ listen: [STAMPEndpoint]) throws(ProbeError) -> STAMPReflector {
                try STAMPReflector(configuration: .init(listen: listen, mode: mode, key: key, clock: clock))
            }
            let reflector: STAMPReflector
            do {
                reflector = try open(given.isEmpty ? defaults : given)
            } catch {
                // Without --listen, a kernel without IPv6 (booted with ipv6.disable=1: no AF_INET6 sockets)
                // still reflects on IPv4, and says so. Any other failure (a port in use, no privilege) stops it,
                // and an address the operator named is never dropped.
                let ipv4 = defaults.filter { $0.address.family == .v4 }
                let noIPv6 = error.errno == EAFNOSUPPORT || error.errno == EADDRNOTAVAIL
                guard given.isEmpty, noIPv6, let fallback = try? open(ipv4) else {
                    FileHandle.standardError.write(Data("netmon stamp reflect: \(error)\n".utf8))
                    throw ExitCode(2)
                }
                FileHandle.standardError.write(
                    Data(
                        "netmon stamp reflect: IPv6 is unavailable here (\(error)); listening on IPv4 only (give --listen to choose)\n"
                            .utf8))
                reflector = fallback
            }
            var sources: [any DispatchSourceSignal] = []
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { reflector.stop() }
                source.resume()
                sources.append(source)
            }
            defer { for source in sources { source.cancel() } }
            reflector.start()
            let bound = reflector.endpoints.map(\.description).joined(separator: " ")
            FileHandle.standardOutput.write(
                Data("ready \(bound) \(mode.rawValue)\(key == nil ? "" : " authenticated")\n".utf8))
            await reflector.wait()
            let counters = reflector.snapshot
            FileHandle.standardError.write(
                Data(
                    "netmon stamp reflect: received \(counters.received), reflected \(counters.reflected), truncated \(counters.truncated), bad HMAC \(counters.badHMAC), malformed \(counters.malformed), send errors \(counters.sendErrors)\n"
                        .utf8))
        }
    }
}

/// One target on the command line: resolved or not.
struct StampRow {
    var label: String
    var endpoint: STAMPEndpoint?
    var error: String?
}

/// The HMAC key file of `--key-file`: hexadecimal digits (whitespace ignored), at least 32 of them (128 bits).
enum StampKeyFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ path: String) throws -> STAMPKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(description: "cannot read the key file \(path).")
        }
        let digits = text.filter { !$0.isWhitespace }
        guard digits.count % 2 == 0, digits.allSatisfy(\.isHexDigit) else {
            throw Failure(description: "\(path): the key must be hexadecimal digits (an even number of them).")
        }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else {
                throw Failure(description: "\(path): the key must be hexadecimal digits.")
            }
            bytes.append(byte)
            index = next
        }
        guard let key = STAMPKey(bytes: bytes) else {
            throw Failure(
                description:
                    "\(path): the key has \(bytes.count) octets; at least \(STAMPKey.minimumLength) are needed.")
        }
        return key
    }
}
