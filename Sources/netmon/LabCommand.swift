import ArgumentParser
import Foundation
import GatewayCommands
import NetMonitor
import NetmonLab

extension Netmon {
    /// `netmon lab`: a lab copy of the network in namespaces (`up`, `down`, `status`, `impair`; the hidden
    /// `responder` runs inside them).
    struct Lab: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lab",
            abstract: "Build a lab copy of the dedicated network in network namespaces.",
            subcommands: [Up.self, Down.self, Status.self, Impair.self, Responder.self]
        )
    }
}

extension Netmon.Lab {
    /// `netmon lab responder`: a user-space ICMP echo responder with delay and jitter, for namespaces
    /// (`ip netns exec NS netmon lab responder --delay 20ms --jitter 2ms`).
    struct Responder: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "responder",
            abstract: "Answer ICMP echo requests after a delay with jitter (run inside a lab namespace).",
            shouldDisplay: false
        )

        @Option(help: "Fixed delay added to every reply, e.g. 20ms (bare numbers are milliseconds).")
        var delay: DurationArgument = DurationArgument(seconds: 0)

        @Option(help: "Jitter: half-width for uniform, standard deviation for normal, e.g. 2ms.")
        var jitter: DurationArgument = DurationArgument(seconds: 0)

        @Option(help: "Shape of the jitter: uniform or normal.")
        var distribution: String = "uniform"

        @Option(help: "Seed of the jitter generator; the same seed draws the same delays.")
        var seed: UInt64 = 1

        @Flag(help: "Leave the kernel's own echo replies on (by default they are turned off in this namespace).")
        var keepKernelEcho = false

        @Option(
            help:
                "A lab state file: requests from each commune subnet get that commune's delay and jitter (re-read on change)."
        )
        var labState: String?

        @Option(
            help: ArgumentHelp(
                "Also accept TCP connections on ADDRESS:PORT (repeatable), e.g. a data-centre service.",
                valueName: "address:port"))
        var tcpListen: [String] = []

        func validate() throws {
            guard DelayModel.Distribution(rawValue: self.distribution) != nil else {
                throw ValidationError("--distribution must be uniform or normal, not '\(self.distribution)'.")
            }
        }

        func run() async throws {
            let model = DelayModel(
                delay: self.delay.seconds, jitter: self.jitter.seconds,
                distribution: DelayModel.Distribution(rawValue: self.distribution)!)
            let responder: DelayResponder
            var listeners: [TCPServiceListener] = []
            do {
                responder = try DelayResponder(
                    configuration: .init(
                        model: model, seed: self.seed, disableKernelEcho: !self.keepKernelEcho,
                        labStatePath: self.labState))
                for endpoint in self.tcpListen {
                    guard let colon = endpoint.lastIndex(of: ":"),
                        let port = UInt16(endpoint[endpoint.index(after: colon)...])
                    else {
                        throw LabError(.invalidArgument, "expected ADDRESS:PORT", context: "--tcp-listen \(endpoint)")
                    }
                    listeners.append(try TCPServiceListener(address: String(endpoint[..<colon]), port: port))
                }
            } catch {
                FileHandle.standardError.write(Data("netmon lab responder: \(error)\n".utf8))
                throw ExitCode(2)
            }
            // The fixture waits for this line before probing.
            FileHandle.standardOutput.write(
                Data(
                    "ready delay=\(self.delay) jitter=\(self.jitter) distribution=\(self.distribution) seed=\(self.seed)\n"
                        .utf8))
            defer { listeners.forEach { $0.stop() } }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let thread = Thread {
                    responder.run()
                    continuation.resume()
                }
                thread.name = "netmon-responder"
                thread.start()
            }
        }
    }
}
