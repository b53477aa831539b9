import ArgumentParser

extension Netmon {
    /// `netmon check`. Not built yet: see the open issue for this command.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate sites.yaml and report every problem with its line and column.",
            shouldDisplay: false
        )

        func run() async throws {
            throw CleanExit.message("netmon check is not built yet.")
        }
    }
}
