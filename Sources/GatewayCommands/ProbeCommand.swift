import ArgumentParser
import Foundation
import Logging
import NetmonProtocol
import ProbeAgent

extension Gateway {
    /// `netmon probe`: the gateway daemon.
    public struct Probe: AsyncParsableCommand {
        public init() {}

        public static let configuration = CommandConfiguration(
            commandName: "probe",
            abstract: "Run the gateway probe daemon for one site.",
            discussion: """
                Runs the site's SmokePing-style rounds, keeps every result in a local SQLite database, serves \
                Prometheus metrics and forwards results to the provincial server. SIGTERM or SIGINT stop it after \
                the current round; SIGHUP reloads the configuration (an invalid file is refused). Exit codes: 0 \
                done, 1 runtime failure, 2 invalid configuration, 64 usage error.
                """
        )

        @Option(name: .long, help: "The sites.yaml file to read.")
        var config: String

        @Option(name: .long, help: "The GSO code of the commune whose gateway this is.")
        var site: String

        @Flag(name: .long, help: "Run one round now, print it and exit.")
        var once = false

        @Flag(name: .long, help: "With --once, print the rounds as JSON instead of a table.")
        var json = false

        @Option(
            name: .long,
            help: "The SQLite database (default: $STATE_DIRECTORY/netmon-probe.sqlite, else ./netmon-probe.sqlite).")
        var database: String?

        @Option(name: .long, help: "The provincial server's base URL, e.g. https://netmon.example:8443.")
        var server: String?

        @Option(name: .long, help: "A file holding this probe's bearer token (required with --server).")
        var tokenFile: String?

        @Option(name: .long, help: "A PEM file of CA certificates to trust for --server instead of the system's.")
        var caFile: String?

        @Option(name: .long, help: "Address of the /metrics endpoint as HOST:PORT, or 'off'.")
        var metrics = "127.0.0.1:9109"

        @Option(name: .long, help: "Days to keep raw rounds.")
        var keepRawDays: Double = 7

        @Option(name: .long, help: "Days to keep 5-minute rollups.")
        var keepFiveMinuteDays: Double = 90

        @Option(name: .long, help: "Days to keep hourly rollups.")
        var keepHourlyDays: Double = 730

        @Option(name: .long, help: "Largest number of unsent rounds kept while the server is unreachable.")
        var maxOutbox = 1_000_000

        @Option(name: .long, help: "Largest database size in MiB before the oldest raw rounds are removed early.")
        var maxDatabaseMiB = 512

        @Flag(
            inversion: .prefixedNo,
            help: "Give back the memory pages start-up touched once the daemon runs, and hourly after that.")
        var trimMemory = true

        @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error or critical.")
        var logLevel = "info"

        public func validate() throws {
            if server != nil && tokenFile == nil {
                throw ValidationError("--server needs --token-file with this probe's bearer token.")
            }
            if tokenFile != nil && server == nil {
                throw ValidationError("--token-file is only used with --server.")
            }
            if metrics != "off" && Self.parseHostPort(metrics) == nil {
                throw ValidationError("--metrics must be HOST:PORT (e.g. 127.0.0.1:9109) or 'off', not '\(metrics)'.")
            }
            if Logger.Level(rawValue: logLevel) == nil {
                throw ValidationError(
                    "--log-level must be one of trace, debug, info, notice, warning, error, critical.")
            }
        }

        public func run() async throws {
            let logger = makeLogger()
            let configPath = config
            let code = site
            let agentSite: AgentSite
            do {
                agentSite = try AgentSite.load(path: configPath, communeCode: code)
            } catch {
                FileHandle.standardError.write(Data("netmon probe: \(error)\n".utf8))
                throw ExitCode(2)
            }
            let prober = EngineProber()
            if once {
                try await runOnce(site: agentSite, prober: prober, logger: logger)
                return
            }
            var forwarder: ForwarderConfiguration?
            if let server, let tokenFile {
                guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https", url.host != nil
                else {
                    throw ValidationError("--server must be an http:// or https:// URL, not '\(server)'.")
                }
                guard url.user == nil && url.password == nil else {
                    // Credentials in the URL would end up in logs; the token file is the one place for them.
                    throw ValidationError(
                        "--server must not contain a user or password; put the token in --token-file.")
                }
                let token: String
                do {
                    token = try String(contentsOfFile: tokenFile, encoding: .utf8)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                } catch {
                    FileHandle.standardError.write(
                        Data(
                            "netmon probe: cannot read the token file \(tokenFile): \(error.localizedDescription)\n"
                                .utf8))
                    throw ExitCode(2)
                }
                guard !token.isEmpty else {
                    FileHandle.standardError.write(Data("netmon probe: the token file \(tokenFile) is empty\n".utf8))
                    throw ExitCode(2)
                }
                forwarder = ForwarderConfiguration(serverURL: url, token: token, caFile: caFile)
            }
            let hostPort = Self.parseHostPort(metrics)
            let options = ProbeDaemonOptions(
                site: agentSite, databasePath: databasePath(),
                retention: RetentionPolicy(
                    rawSeconds: keepRawDays * RetentionPolicy.day,
                    fiveMinuteSeconds: keepFiveMinuteDays * RetentionPolicy.day,
                    hourlySeconds: keepHourlyDays * RetentionPolicy.day, maxOutboxRounds: maxOutbox,
                    maxDatabaseBytes: Int64(maxDatabaseMiB) << 20),
                forwarder: forwarder, metricsHost: hostPort?.0, metricsPort: hostPort?.1 ?? 0,
                version: NetmonVersion.current, trimsWorkingSet: trimMemory)
            let daemon: ProbeDaemon
            do {
                daemon = try ProbeDaemon(options: options, logger: logger)
            } catch {
                FileHandle.standardError.write(Data("netmon probe: \(error)\n".utf8))
                throw ExitCode(1)
            }
            try await daemon.run(
                prober: prober, logger: logger,
                reload: { try AgentSite.load(path: configPath, communeCode: code) },
                onMetricsBound: { port in logger.info("metrics listening", metadata: ["port": "\(port)"]) })
        }

        private func runOnce(site: AgentSite, prober: any RoundProber, logger: Logger) async throws {
            // A try-out keeps nothing unless --database is given.
            let temporary = database == nil
            let path =
                database
                ?? FileManager.default.temporaryDirectory
                .appendingPathComponent("netmon-probe-once-\(getpid()).sqlite").path
            defer {
                if temporary {
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                }
            }
            let store = try GatewayStore(path: path, logger: logger)
            let scheduler = RoundScheduler(site: site, store: store, prober: prober, logger: logger)
            let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let rounds = try await scheduler.runStep(site: site, start: start)
            if json {
                let encoder = WireCoding.makeEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                print(
                    String(
                        decoding: try encoder.encode(ProbeRoundBatch(probeID: site.probeID, rounds: rounds)),
                        as: UTF8.self))
            } else {
                print(RoundTable.render(rounds))
            }
        }

        private func databasePath() -> String {
            if let database { return database }
            if let state = ProcessInfo.processInfo.environment["STATE_DIRECTORY"], !state.isEmpty {
                return (state.split(separator: ":").first.map(String.init) ?? state) + "/netmon-probe.sqlite"
            }
            return "netmon-probe.sqlite"
        }

        private func makeLogger() -> Logger {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            var logger = Logger(label: "netmon.probe")
            logger.logLevel = level
            return logger
        }

        static func parseHostPort(_ text: String) -> (String, Int)? {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
                return nil
            }
            return (host, port)
        }
    }
}
