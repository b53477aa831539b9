import ArgumentParser

extension Netmon {
    /// `netmon ping`. Not built yet: see the open issue for this command.
    struct Ping: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ping",
            abstract: "Measure round-trip latency, jitter and loss to targets with ICMP or TCP probes.",
            shouldDisplay: false
        )

        func run() async throws {
            throw CleanExit.message("netmon ping is not built yet.")
        }
    }
}
