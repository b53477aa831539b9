import ArgumentParser
import Foundation
import GatewayCommands
import NetmonLab
import SiteCatalog

extension Netmon.Lab {
    /// `netmon lab up`: builds the lab from sites.yaml.
    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "up",
            abstract:
                "Build a lab: a data-centre namespace and one namespace per commune gateway, joined by veth links.",
            discussion: """
                Needs root. Every namespace is named nml-<lab>-…; no namespace has a route out. Delay and jitter come \
                from netmon's responder in the data centre, loss from nftables there. Remove it all with `netmon lab down`.
                """
        )

        @Option(help: "sites.yaml with the data centre and the communes.")
        var config: String = "sites.yaml"

        @Option(help: "How many communes (the first N of sites.yaml); all when omitted.")
        var communes: Int?

        @Option(name: .customLong("commune"), help: "A commune code to include (repeatable; instead of --communes).")
        var codes: [String] = []

        @Option(
            name: .customLong("impair"),
            help: ArgumentHelp(
                "Initial impairment, CODE=DELAY[/JITTER][/LOSS%] e.g. 12345=40ms/5ms/8% (repeatable).",
                valueName: "spec"))
        var impairSpecs: [String] = []

        @Flag(
            help: "Add a host link (a private /30 veth to the root namespace) so probes can reach a server on the host."
        )
        var hostLink = false

        @OptionGroup var options: LabOptions

        func run() async throws {
            let sites: SitesConfig
            do throws(ConfigError) {
                sites = try SitesConfig.load(path: self.config)
            } catch {
                FileHandle.standardError.write(
                    Data("netmon lab up: \(error)\nRun `netmon check \(self.config)` for every problem.\n".utf8))
                throw ExitCode(2)
            }
            var impairments: [String: Impairment] = [:]
            for spec in self.impairSpecs {
                guard let (code, impairment) = ImpairmentSpec.parse(spec) else {
                    throw ValidationError(
                        "--impair \(spec): expected CODE=DELAY[/JITTER][/LOSS%] such as 12345=40ms/5ms/8%.")
                }
                impairments[code] = impairment
            }
            let controller = try self.options.controller()
            do throws(LabError) {
                let plan = try LabPlan.make(config: sites, communeCount: self.communes, codes: self.codes)
                let state = try controller.up(
                    plan: plan, impairments: impairments, hostLink: self.hostLink,
                    netmonExecutable: LabFailure.executablePath)
                print(
                    "lab '\(state.lab)' up: \(plan.communes.count) communes, data centre \(plan.datacenterAddresses.joined(separator: ", "))"
                )
                if let link = state.hostLink {
                    print(
                        "host link \(link.hostInterface) \(link.hostAddress) ↔ data centre \(link.datacenterAddress) (\(link.subnet))"
                    )
                }
                print("state \(controller.statePath)")
                print(
                    "run inside a commune: ip netns exec \(controller.namespace(of: plan.communes[0].code)) ping \(plan.datacenterAddresses[0])"
                )
            } catch {
                throw LabFailure.exit(error, command: "netmon lab up")
            }
        }
    }

    /// `netmon lab down`: removes every trace of a lab.
    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "down",
            abstract:
                "Remove a lab: its processes, namespaces, veth links, nftables tables and state (also after a crash)."
        )

        @Flag(help: "Remove every lab found on this machine (every nml- namespace).")
        var all = false

        @OptionGroup var options: LabOptions

        func run() async throws {
            do throws(LabError) {
                try LabController.requireRoot()
            } catch {
                throw LabFailure.exit(error, command: "netmon lab down")
            }
            var labs = [self.options.lab]
            if self.all { labs = Array(Set(LabController.labsPresent() + [self.options.lab])).sorted() }
            var failed = false
            for lab in labs {
                let controller: LabController
                do throws(LabError) {
                    controller = try LabController(lab: lab, stateRoot: self.options.stateDir)
                } catch {
                    FileHandle.standardError.write(Data("netmon lab down: \(error)\n".utf8))
                    failed = true
                    continue
                }
                let removal = controller.down()
                print(
                    "lab '\(lab)': removed \(removal.namespaces.count) namespaces, \(removal.processes.count) processes, "
                        + "\(removal.hostLinks.count) host links\(removal.stateRemoved ? ", state" : "")")
                for failure in removal.failures {
                    FileHandle.standardError.write(Data("netmon lab down: \(failure)\n".utf8))
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    /// `netmon lab status`: what runs and how each link is impaired.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show a lab's communes, impairments, drops and responder.")

        @OptionGroup var options: LabOptions

        func run() async throws {
            let controller = try self.options.controller()
            let status: LabController.Status
            do throws(LabError) {
                status = try controller.status()
            } catch {
                throw LabFailure.exit(error, command: "netmon lab status")
            }
            do {
                let state = status.state
                print(
                    "lab '\(state.lab)' up since \(state.createdAt); \(status.namespaces.count) namespaces; responder pids \(status.responderPIDs.map(String.init).joined(separator: ","))"
                )
                if let link = state.hostLink {
                    print("host link \(link.hostInterface) \(link.hostAddress) (\(link.subnet))")
                }
                print("code   gateway        namespace                impairment                      dropped")
                for commune in state.plan.communes {
                    let namespace = controller.namespace(of: commune.code)
                    let present = status.missing.contains(commune.code) ? " (missing)" : ""
                    print(
                        "\(commune.code)  \(commune.gateway.padding(toLength: 13, withPad: " ", startingAt: 0))  "
                            + "\(namespace.padding(toLength: 23, withPad: " ", startingAt: 0))  "
                            + "\(state.impairment(of: commune.code).description.padding(toLength: 30, withPad: " ", startingAt: 0))  "
                            + "\(status.dropped[commune.code] ?? 0)\(present)")
                }
            }
            if status.responderPIDs.isEmpty || !status.missing.isEmpty { throw ExitCode(1) }
        }
    }

    /// `netmon lab impair`: changes one link's delay, jitter and loss while the lab runs.
    struct Impair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "impair", abstract: "Change a commune link's delay, jitter and loss live.")

        @Argument(help: "GSO code of the commune.")
        var code: String

        @Option(help: "Delay added to echo replies, e.g. 40ms (omitted: unchanged).")
        var delay: DurationArgument?

        @Option(help: "Uniform jitter half-width, e.g. 5ms (omitted: unchanged).")
        var jitter: DurationArgument?

        @Option(help: "Share of the commune's packets dropped, e.g. 8% or 0.08 (omitted: unchanged).")
        var loss: String?

        @Flag(help: "Make the link healthy again (no delay, jitter or loss).")
        var clear = false

        @OptionGroup var options: LabOptions

        func run() async throws {
            var lossValue: Double?
            if let text = self.loss {
                guard let value = ImpairmentSpec.parseLoss(text) else {
                    throw ValidationError("--loss \(text): expected a percentage such as 8% or a ratio such as 0.08.")
                }
                lossValue = value
            }
            let controller = try self.options.controller()
            do throws(LabError) {
                let current =
                    self.clear ? .none : try LabState.read(path: controller.statePath).impairment(of: self.code)
                let updated = Impairment(
                    delay: self.delay?.seconds ?? current.delay, jitter: self.jitter?.seconds ?? current.jitter,
                    loss: lossValue ?? current.loss)
                try controller.impair(code: self.code, updated)
                print("\(self.code): \(updated)")
            } catch {
                throw LabFailure.exit(error, command: "netmon lab impair")
            }
        }
    }
}

/// `CODE=DELAY[/JITTER][/LOSS%]` and loss texts.
enum ImpairmentSpec {
    static func parse(_ spec: String) -> (String, Impairment)? {
        let halves = spec.split(separator: "=", maxSplits: 1)
        guard halves.count == 2, !halves[0].isEmpty else { return nil }
        let parts = halves[1].split(separator: "/").map(String.init)
        guard (1...3).contains(parts.count), let delay = DurationArgument(parsing: parts[0]) else { return nil }
        var jitter = 0.0
        var loss = 0.0
        if parts.count >= 2 {
            guard let value = DurationArgument(parsing: parts[1]) else { return nil }
            jitter = value.seconds
        }
        if parts.count == 3 {
            guard let value = self.parseLoss(parts[2]) else { return nil }
            loss = value
        }
        return (String(halves[0]), Impairment(delay: delay.seconds, jitter: jitter, loss: loss))
    }

    static func parseLoss(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let value: Double?
        if trimmed.hasSuffix("%") {
            value = Double(trimmed.dropLast()).map { $0 / 100 }
        } else {
            value = Double(trimmed)
        }
        guard let value, value.isFinite, (0...1).contains(value) else { return nil }
        return value
    }
}
