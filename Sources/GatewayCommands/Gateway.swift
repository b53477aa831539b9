import ArgumentParser

/// The subcommands a commune gateway needs: `check`, `ping`, `probe`, `outbox`, `capture`, `analyze` and `signal`.
///
/// They live in a library of their own so that two executables share them: `netmon`, which has every
/// subcommand, and `netmon-gateway`, a small build for the gateway box without the server, the database drivers,
/// the coverage model or the lab (see docs/ARCHITECTURE.md and BENCHMARKS.md for why memory matters there).
public enum Gateway {
    /// The gateway subcommands, in the order `--help` lists them.
    public static let subcommands: [any ParsableCommand.Type] = [
        Check.self, Ping.self, Probe.self, Outbox.self, Capture.self, Analyze.self, Signal.self,
    ]
}
