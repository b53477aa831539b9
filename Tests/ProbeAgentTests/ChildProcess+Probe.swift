import TestSupport

extension ChildProcess {
    /// `netmon probe ARGUMENTS` with its output appended to `logPath`.
    /// - Parameter launcher: a command that runs netmon, e.g. `["ip", "netns", "exec", NAME]` (empty: run it directly).
    static func probe(arguments: [String], logPath: String, launcher: [String] = []) throws -> ChildProcess {
        try ChildProcess(launcher + [NetmonBinary.path, "probe"] + arguments, log: logPath)
    }
}
