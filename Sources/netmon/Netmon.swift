import ArgumentParser
import GatewayCommands
import NetmonProtocol

/// The root command: `netmon <subcommand>`, every subcommand (the gateway's and the province's).
@main
struct Netmon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netmon",
        abstract: "Measure a dedicated government network and its mobile coverage.",
        version: NetmonVersion.current,
        subcommands: [
            Gateway.Check.self, Gateway.Ping.self, Gateway.Analyze.self, Gateway.Capture.self, Coverage.self,
            Gateway.Probe.self, Gateway.Outbox.self, Gateway.Signal.self, Stamp.self, Serve.self, Alerts.self,
            Lab.self, Demo.self,
        ]
    )

    static func main() async { await CommandRunner.main(Self.self) }
}
