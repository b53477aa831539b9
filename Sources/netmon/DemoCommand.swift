import ArgumentParser

extension Netmon {
    /// `netmon demo`. Not built yet: see the open issue for this command.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Run the whole job end to end on one machine.",
            shouldDisplay: false
        )

        func run() async throws {
            throw CleanExit.message("netmon demo is not built yet.")
        }
    }
}
