import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the site from sites.yaml on SIGHUP; an invalid file is refused and the running config stays.
public struct ConfigReloader: Service {
    let scheduler: RoundScheduler
    let load: @Sendable () throws -> AgentSite
    let onReloaded: @Sendable (AgentSite) -> Void
    let logger: Logger

    /// - Parameter load: reads and validates the file; throws an error whose description is the `netmon check`
    ///   message (`path:line:column: message` lines) when the file is invalid.
    public init(
        scheduler: RoundScheduler, logger: Logger = Logger(label: "netmon.reload"),
        onReloaded: @escaping @Sendable (AgentSite) -> Void = { _ in },
        load: @escaping @Sendable () throws -> AgentSite
    ) {
        self.scheduler = scheduler
        self.load = load
        self.onReloaded = onReloaded
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            reload()
        }
    }

    /// Loads the file and applies it, or logs why it was refused. Returns whether it was applied.
    @discardableResult
    public func reload() -> Bool {
        let old = scheduler.currentSite
        let new: AgentSite
        do {
            new = try load()
        } catch {
            logger.error(
                "SIGHUP: configuration refused, the running configuration stays",
                metadata: ["problems": "\(error)"])
            return false
        }
        guard new.probeID == old.probeID else {
            logger.error(
                "SIGHUP: configuration refused: the probe id changed; restart the daemon to change identity",
                metadata: ["running": "\(old.probeID)", "file": "\(new.probeID)"])
            return false
        }
        if new.capture != old.capture {
            // The capture's thread, handle and site map belong to the running capture; they are rebuilt at start.
            logger.warning("SIGHUP: the capture settings changed; they take effect when the daemon restarts")
        }
        scheduler.update(site: new)
        onReloaded(new)
        logger.info(
            "SIGHUP: configuration reloaded",
            metadata: ["targets": "\(new.targets.count)", "step_s": "\(new.schedule.stepSeconds)"])
        return true
    }
}
