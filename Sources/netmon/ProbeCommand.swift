import ArgumentParser

extension Netmon {
    /// `netmon probe`. Not built yet: see the open issue for this command.
    struct Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "probe",
            abstract: "Run the gateway probe daemon for one site.",
            shouldDisplay: false
        )

        func run() async throws {
            throw CleanExit.message("netmon probe is not built yet.")
        }
    }
}
