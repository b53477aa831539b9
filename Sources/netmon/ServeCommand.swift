import ArgumentParser

extension Netmon {
    /// `netmon serve`. Not built yet: see the open issue for this command.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Run the provincial server: ingest, storage, API and dashboard.",
            shouldDisplay: false
        )

        func run() async throws {
            throw CleanExit.message("netmon serve is not built yet.")
        }
    }
}
