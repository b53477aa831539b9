import ArgumentParser

extension Netmon {
    /// `netmon lab`. Not built yet: see the open issue for this command.
    struct Lab: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lab",
            abstract: "Build a lab copy of the dedicated network in network namespaces.",
            shouldDisplay: false
        )

        func run() async throws {
            throw CleanExit.message("netmon lab is not built yet.")
        }
    }
}
