import ArgumentParser

/// The root command: `netmon <subcommand>`.
@main
struct Netmon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netmon",
        abstract: "Measure a dedicated government network and its mobile coverage.",
        subcommands: [
            Check.self, Ping.self, Analyze.self, Capture.self, Coverage.self,
            Probe.self, Serve.self, Alerts.self, Lab.self, Demo.self,
        ]
    )
}
