import ArgumentParser

extension Netmon {
    /// `netmon analyze`. Not built yet: see the open issue for this command.
    struct Analyze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "analyze",
            abstract: "Measure RTTs, retransmissions and ICMP echoes in a capture file.",
            shouldDisplay: false
        )

        func run() async throws {
            throw CleanExit.message("netmon analyze is not built yet.")
        }
    }
}
