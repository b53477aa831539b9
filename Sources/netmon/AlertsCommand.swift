import ArgumentParser

extension Netmon {
    /// `netmon alerts`. Not built yet: see the open issue for this command.
    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alerts",
            abstract: "List, test and silence alerts.",
            shouldDisplay: false
        )

        func run() async throws {
            throw CleanExit.message("netmon alerts is not built yet.")
        }
    }
}
