import Logging
import MeasurementStore
import ServiceLifecycle

/// Runs a singleton service only while this replica leads: started (after `onTerm`) when a term begins, cancelled
/// when it ends, started again at the next term. With one server (``Leadership/init()``) it simply runs.
///
/// Graceful shutdown reaches the inner service as usual (it finishes its last round, such as the alert
/// evaluation's last commit); a lost term cancels it at once, and whatever it was writing is refused by the
/// lease's fence.
public struct LeaderOnlyService: Service {
    let leadership: Leadership
    let name: String
    let onTerm: @Sendable () async throws -> Void
    let service: any Service
    let logger: Logger

    /// `onTerm` runs at the start of every term before `service` (e.g. reloading state another leader committed);
    /// if it fails, the service is not started and the next try is one second later.
    public init(
        _ service: any Service, name: String, leadership: Leadership,
        onTerm: @escaping @Sendable () async throws -> Void = {}, logger: Logger = Logger(label: "netmon.leader")
    ) {
        self.service = service
        self.name = name
        self.leadership = leadership
        self.onTerm = onTerm
        self.logger = logger
    }

    public func run() async throws {
        guard self.leadership.isShared else {
            try await self.service.run()
            return
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            guard let term = await self.leadership.waitForTerm(giveUp: { Task.isShuttingDownGracefully }) else {
                return
            }
            let started = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    do {
                        try await self.onTerm()
                    } catch {
                        self.logger.error(
                            "\(self.name): could not start this term", metadata: ["error": "\(error)"])
                        return false
                    }
                    do {
                        try await self.service.run()
                    } catch {
                        self.logger.error("\(self.name) failed", metadata: ["error": "\(error)"])
                    }
                    return true
                }
                // Ends the term's run when the term ends (not at graceful shutdown: the service stops itself then).
                group.addTask {
                    await self.leadership.waitUntilEnded(term)
                    return true
                }
                let first = await group.next() ?? true
                group.cancelAll()
                return first
            }
            // A failed start, or a service that ended on its own while the term goes on: try again in a second.
            if !started || (self.leadership.term == term && !Task.isShuttingDownGracefully) {
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
