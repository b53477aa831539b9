import Foundation

/// A child process started by a test (Alertmanager, the SMTP server), terminated on `stop()`.
final class ExternalProcess: @unchecked Sendable {
    // Safe: `process` is only touched from init and stop(), which tests call sequentially.
    let process: Process
    let logURL: URL

    init(_ path: String, _ arguments: [String], log: URL) throws {
        self.process = Process()
        self.process.executableURL = URL(fileURLWithPath: path)
        self.process.arguments = arguments
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        self.process.standardOutput = handle
        self.process.standardError = handle
        self.logURL = log
        try self.process.run()
    }

    var log: String { (try? String(contentsOf: self.logURL, encoding: .utf8)) ?? "" }

    /// Kills the process. SIGKILL, not SIGTERM: children started from Swift's thread pool inherit a signal mask
    /// that blocks SIGTERM, so `terminate()` would never end them.
    func stop() {
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGKILL)
            self.process.waitUntilExit()
        }
    }

    /// Polls `condition` every 50 ms until it holds or `seconds` pass.
    static func waitUntil(_ seconds: Double, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }
}
