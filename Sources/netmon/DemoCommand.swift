import ArgumentParser
import Dispatch
import Foundation
import NetmonLab
import SiteCatalog
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension Netmon {
    /// `netmon demo`: the whole job on one machine — a lab of communes with healthy, slow and lossy links, a probe
    /// daemon in each, the server on embedded SQLite, simulated drive tests, alerts to a local webhook receiver.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract:
                "Run the whole job end to end on one machine (a lab of communes, probes, server, coverage, alerts).",
            discussion: """
                As root it builds a lab (`netmon lab`) named 'demo' of a dozen communes with a mix of healthy, slow and \
                lossy links and runs a probe daemon inside each commune's namespace, forwarding to `netmon serve` over \
                the lab's host link. Without root it says so and runs what it can on loopback. Parts not yet in this \
                build are reported and skipped. Ctrl-C (or --duration) tears everything down.
                """
        )

        @Option(help: "sites.yaml of the network (copied, with fast demo timings, into the state folder).")
        var config: String = "sites.yaml"

        @Option(help: "How many communes get a simulated gateway (spread over the province).")
        var communes: Int = 12

        @Option(help: "Port of the dashboard and API.")
        var port: Int = 8080

        @Option(help: "Folder for the demo's database, logs and copies (emptied first).")
        var stateDir: String?

        @Option(help: "Stop by itself after this many seconds (default: run until Ctrl-C).")
        var duration: Double?

        @Option(help: "Name of the demo's lab (its namespaces are nml-<lab>-…).")
        var lab: String = "demo"

        @Option(help: "Rows of simulated drive tests for the 104 communes.")
        var driveTestRows: Int = 30_000

        func validate() throws {
            guard (1...104).contains(self.communes) else { throw ValidationError("--communes must be 1…104.") }
            guard (1...65_535).contains(self.port) else { throw ValidationError("--port must be 1…65535.") }
        }

        func run() async throws {
            let sites: SitesConfig
            let source: String
            do {
                sites = try SitesConfig.load(path: self.config)
                source = try String(contentsOfFile: self.config, encoding: .utf8)
            } catch {
                FileHandle.standardError.write(
                    Data("netmon demo: \(error)\nRun `netmon check \(self.config)` for every problem.\n".utf8))
                throw ExitCode(2)
            }
            _ = DemoStopSignal.shared  // from here on Ctrl-C stops the demo cleanly, also during start-up
            let isRoot = geteuid() == 0
            let stateDir =
                self.stateDir ?? (isRoot ? "/run/netmon-demo" : NSTemporaryDirectory() + "netmon-demo-\(geteuid())")
            try? FileManager.default.removeItem(atPath: stateDir)
            try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
            let executable = LabFailure.executablePath
            demoSay("netmon demo — state in \(stateDir)")

            // The webhook receiver and the demo's copy of sites.yaml.
            let receiver = try await LabHTTPReceiver(
                logPath: stateDir + "/webhook.jsonl",
                onAccept: { delivery in
                    let line = String(decoding: delivery.body, as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
                    demoSay("webhook: received \(delivery.body.count) bytes: \(line.prefix(160))")
                })
            let demoConfig = stateDir + "/sites.yaml"
            let rendered = try DemoSitesFile.render(
                source: source, config: sites, webhookURL: receiver.url, webhookSecret: DemoSitesFile.randomSecret())
            try rendered.write(toFile: demoConfig, atomically: true, encoding: .utf8)
            do {
                _ = try SitesConfig.load(path: demoConfig)
            } catch {
                FileHandle.standardError.write(
                    Data("netmon demo: the demo copy of sites.yaml is invalid: \(error)\n".utf8))
                throw ExitCode(1)
            }
            demoSay("webhook receiver \(receiver.url) → \(receiver.logPath)")

            let children = DemoChildren(logDirectory: stateDir)
            var lab: LabController?
            let teardown = {
                children.stopAll()
                if let lab {
                    let removal = lab.down()
                    demoSay("lab removed: \(removal.namespaces.count) namespaces, \(removal.processes.count) processes")
                }
            }
            do {
                // The lab (root only).
                var listenHost = "127.0.0.1"
                var chosen: [LabPlan.Commune] = []
                if isRoot {
                    let controller = try LabController(lab: self.lab, stateRoot: stateDir + "/lab")
                    lab = controller
                    let codes = Self.spread(sites.communes.map(\.code), count: self.communes)
                    let plan = try LabPlan.make(config: sites, codes: codes)
                    let impairments = Self.mix(codes)
                    let state = try controller.up(
                        plan: plan, impairments: impairments, hostLink: true, netmonExecutable: executable)
                    chosen = plan.communes
                    listenHost = state.hostLink?.hostAddress ?? listenHost
                    demoSay(
                        "lab '\(self.lab)' up: \(plan.communes.count) communes (netmon lab status --lab \(self.lab) --state-dir \(stateDir)/lab)"
                    )
                    for commune in plan.communes {
                        let impairment = state.impairment(of: commune.code)
                        demoSay(
                            "  \(commune.code) \(commune.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(impairment == .none ? "healthy" : impairment.description)"
                        )
                    }
                } else {
                    demoSay(
                        "not root: no lab and no probes (network namespaces need root); running the server, coverage and webhook receiver on loopback. Run with sudo for the whole demo."
                    )
                }

                // The server.
                let serverURL = "http://\(listenHost):\(self.port)"
                var tokens: [String: String] = [:]
                let adminToken = DemoSitesFile.randomToken()
                var lines: [String] = ["admin demo \(adminToken)"]
                tokens[Self.adminTokenKey] = adminToken
                for commune in sites.communes {
                    let token = DemoSitesFile.randomToken()
                    tokens[commune.code] = token
                    lines.append("probe \(commune.probeID) \(token)")
                }
                try SecretFile.write(lines.joined(separator: "\n") + "\n", to: stateDir + "/tokens")
                try children.start(
                    "serve",
                    [
                        executable, "serve", "--config", demoConfig, "--database",
                        "sqlite:\(stateDir)/netmon.sqlite",
                        "--listen", "\(listenHost):\(self.port)", "--tokens", stateDir + "/tokens",
                        "--public-dashboard",
                    ])
                guard Self.waitForPort(host: listenHost, port: self.port, timeout: 30) else {
                    throw DemoError(
                        "netmon serve did not listen on \(listenHost):\(self.port) within 30 s; see \(stateDir)/serve.log"
                    )
                }
                demoSay("server \(serverURL) on SQLite \(stateDir)/netmon.sqlite")

                // A probe daemon in each commune namespace.
                if isRoot, let lab {
                    for commune in chosen {
                        var arguments = [
                            "ip", "netns", "exec", lab.namespace(of: commune.code), executable, "probe", "--config",
                            demoConfig,
                            "--site", commune.code, "--database", "\(stateDir)/probe-\(commune.code).sqlite",
                            "--metrics", "off",
                        ]
                        if let token = tokens[commune.code] {
                            let tokenFile = "\(stateDir)/token-\(commune.code)"
                            try SecretFile.write(token, to: tokenFile)
                            arguments += ["--server", serverURL, "--token-file", tokenFile]
                        }
                        try children.start("probe-\(commune.code)", arguments)
                    }
                    demoSay("probe daemons: \(chosen.count), one per commune namespace, a round every 15 s")
                }

                // Simulated drive tests for every commune.
                let csv = stateDir + "/drive-tests.csv"
                let status = try Self.runToEnd(
                    [
                        executable, "coverage", "simulate", "--config", demoConfig, "--rows",
                        String(self.driveTestRows), "--report-every", "20", "--seed", "1",
                        "--output", csv,
                    ], log: stateDir + "/coverage.log")
                if status == 0 {
                    demoSay("drive tests: \(self.driveTestRows) simulated reports → \(csv)")
                    _ = try Self.runToEnd(
                        [executable, "coverage", "report", "--config", demoConfig, csv],
                        log: stateDir + "/coverage-report.txt")
                    demoSay("coverage report → \(stateDir)/coverage-report.txt")
                    if let adminToken = tokens[Self.adminTokenKey] {
                        // Uploaded like a drive-test team would: the server stores them and recomputes coverage.
                        let header = stateDir + "/admin-header"  // the token stays out of the process list
                        try SecretFile.write("Authorization: Bearer \(adminToken)\n", to: header)
                        let uploaded = try Self.runToEnd(
                            [
                                "curl", "-sS", "--fail-with-body", "--max-time", "300", "-H", "@\(header)",
                                "-H", "Content-Type: text/csv", "--data-binary", "@\(csv)",
                                "\(serverURL)/api/v1/reports?format=csv",
                            ],
                            log: stateDir + "/coverage-upload.json")
                        demoSay(
                            uploaded == 0
                                ? "drive tests uploaded to the server (reply in \(stateDir)/coverage-upload.json); coverage and dead zones follow on the map"
                                : "drive test upload failed (curl exit \(uploaded)); see \(stateDir)/coverage-upload.json"
                        )
                    }
                } else {
                    demoSay("netmon coverage simulate failed (exit \(status)); see \(stateDir)/coverage.log")
                }

                demoSay("\ndashboard: \(serverURL)/\n")
                demoSay("Ctrl-C stops the demo and removes everything it made.")
                try await Self.waitForStop(duration: self.duration, children: children, receiver: receiver)
            } catch {
                FileHandle.standardError.write(Data("netmon demo: \(error)\n".utf8))
                teardown()
                await receiver.shutdown()
                throw ExitCode(1)
            }
            teardown()
            await receiver.shutdown()
            demoSay("demo stopped; webhook notifications received: \(receiver.count)")
        }

        /// Where the demo keeps its admin token among the probe tokens.
        static let adminTokenKey = "admin"

        /// `count` codes spread evenly over `codes`.
        static func spread(_ codes: [String], count: Int) -> [String] {
            guard count < codes.count else { return codes }
            return (0..<count).map { codes[$0 * codes.count / count] }
        }

        /// The demo's link mix: most healthy, some slow (warning and critical latency), some lossy, one both.
        static func mix(_ codes: [String]) -> [String: Impairment] {
            let patterns: [Impairment] = [
                Impairment(delay: 0.080, jitter: 0.010),  // slow: median above the 50 ms warning
                Impairment(delay: 0.200, jitter: 0.020),  // very slow: above the 150 ms critical
                Impairment(delay: 0.002, loss: 0.05),  // lossy: above the 2 % warning
                Impairment(delay: 0.002, loss: 0.20),  // very lossy: above the 10 % critical
                Impairment(delay: 0.060, jitter: 0.008, loss: 0.08),  // slow and lossy
            ]
            var result: [String: Impairment] = [:]
            // Every second commune from the end gets a pattern, so the healthy ones stay the majority.
            for (index, pattern) in patterns.enumerated() where codes.count - 1 - 2 * index >= 0 {
                result[codes[codes.count - 1 - 2 * index]] = pattern
            }
            return result
        }

        static func waitForPort(host: String, port: Int, timeout: Double) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = UInt16(port).bigEndian
                inet_pton(AF_INET, host, &address.sin_addr)
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                close(fd)
                if connected == 0 { return true }
                usleep(200_000)
            }
            return false
        }

        static func runToEnd(_ arguments: [String], log: String) throws -> Int32 {
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            let handle = FileHandle(forWritingAtPath: log)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try? handle?.close()
            return process.terminationStatus
        }

        /// Waits for SIGINT/SIGTERM or the duration, reporting children that exit.
        static func waitForStop(duration: Double?, children: DemoChildren, receiver: LabHTTPReceiver) async throws {
            let stop = DemoStopSignal.shared
            let start = Date()
            var reported: Set<String> = []
            while !stop.requested {
                if let duration, Date().timeIntervalSince(start) >= duration { break }
                try await Task.sleep(for: .milliseconds(250))
                for child in children.exited() where !reported.contains(child.name) {
                    reported.insert(child.name)
                    demoSay("\(child.name) exited \(child.status): \(child.lastLine)")
                }
            }
        }
    }
}

/// Set by SIGINT/SIGTERM during the demo.
private let demoStopFlag = Atomic<Bool>(false)

/// SIGINT and SIGTERM turned into a flag the demo polls.
final class DemoStopSignal: Sendable {
    static let shared = DemoStopSignal()
    // The dispatch sources live as long as the process; only touched here, at start-up.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    private init() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if demoStopFlag.exchange(true, ordering: .relaxed) { exit(130) }  // a second Ctrl-C: leave now
                demoSay("\nstopping…")
            }
            source.resume()
            Self.sources.append(source)
        }
    }

    var requested: Bool { demoStopFlag.load(ordering: .relaxed) }
}
