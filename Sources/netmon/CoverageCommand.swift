import ArgumentParser

extension Netmon {
    /// `netmon coverage`. Not built yet: see the open issue for this command.
    struct Coverage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "coverage",
            abstract: "Turn signal reports into commune coverage, dead zones and GeoJSON.",
            shouldDisplay: false
        )

        func run() async throws {
            throw CleanExit.message("netmon coverage is not built yet.")
        }
    }
}
