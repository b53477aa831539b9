import ArgumentParser
import Foundation

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

    /// Runs the command; `netmon ping` documents exit status 2 for usage errors (the parser's default is 64).
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if arguments.first == Ping.configuration.commandName, exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
