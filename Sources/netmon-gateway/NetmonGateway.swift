import ArgumentParser
import GatewayCommands
import NetmonProtocol

/// The root command of the gateway build: `netmon-gateway <subcommand>`, with the subcommands a commune gateway
/// runs (`check`, `ping`, `probe`, `capture`, `analyze`, `signal`), the same code and options as under `netmon`.
///
/// It links only the measurement engines, the site catalogue and the probe daemon, so a long-running probe maps
/// far fewer pages than the full `netmon` executable with the server, PostgreSQL, coverage and lab modules.
@main
struct NetmonGateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netmon-gateway",
        abstract: "netmon for a commune gateway: probe the dedicated network, capture, check sites.yaml.",
        version: NetmonVersion.current,
        subcommands: Gateway.subcommands
    )

    static func main() async { await CommandRunner.main(Self.self) }
}
