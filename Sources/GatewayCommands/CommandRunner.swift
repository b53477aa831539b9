import ArgumentParser
import Foundation
import ProbeAgent

/// Parses the command line against a root command and runs the chosen subcommand, for both executables.
public enum CommandRunner {
    /// Runs `Root`'s subcommand from `CommandLine.arguments`; never returns.
    ///
    /// `ping` documents exit status 2 for usage errors (fping's convention), where the parser's default is 64.
    public static func main<Root: ParsableCommand>(_ root: Root.Type) async -> Never {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            // The gateway's two resident jobs give the runtime's start-up pages (see WorkingSetTrim) back before
            // the parser touches its own; the other subcommands are short-lived or run on servers.
            if trimsWorkingSet(arguments) { WorkingSetTrim.run() }
            var command = try Root.parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
            Root.exit()
        } catch {
            if arguments.first == Gateway.Ping.configuration.commandName,
                Root.exitCode(for: error) == .validationFailure
            {
                FileHandle.standardError.write(Data((Root.fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            Root.exit(withError: error)
        }
    }

    /// Whether the command line runs `ping`, or `probe` without `--no-trim-memory`.
    static func trimsWorkingSet(_ arguments: [String]) -> Bool {
        switch arguments.first {
        case Gateway.Ping.configuration.commandName: true
        case Gateway.Probe.configuration.commandName: !arguments.contains("--no-trim-memory")
        default: false
        }
    }
}
