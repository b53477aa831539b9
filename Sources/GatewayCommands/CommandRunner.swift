import ArgumentParser
import Foundation
import NetMonitor

/// Parses the command line against a root command and runs the chosen subcommand, for both executables.
public enum CommandRunner {
    /// Runs `Root`'s subcommand from `CommandLine.arguments`; never returns.
    ///
    /// `ping` documents exit status 2 for usage errors (fping's convention), where the parser's default is 64.
    public static func main<Root: ParsableCommand>(_ root: Root.Type) async -> Never {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            // The runtime's start-up pages (see WorkingSetTrim) go before the parser touches its own.
            WorkingSetTrim.run()
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
}
