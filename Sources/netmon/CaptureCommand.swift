import ArgumentParser

extension Netmon {
    /// `netmon capture`. Not built yet: see the open issue for this command.
    struct Capture: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "capture",
            abstract: "Measure live traffic on an interface with libpcap.",
            shouldDisplay: false
        )

        func run() async throws {
            throw CleanExit.message("netmon capture is not built yet.")
        }
    }
}
