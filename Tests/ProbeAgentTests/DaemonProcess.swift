import Foundation
import Synchronization
import TestSupport

/// A `netmon probe` process started by a test; stderr goes to a file the test can read.
final class DaemonProcess: Sendable {
    let process: Process
    let logPath: String
    let pid: Int32

    /// - Parameter launcher: a command that runs netmon, e.g. `["ip", "netns", "exec", NAME]` (empty: run it directly).
    init(arguments: [String], logPath: String, launcher: [String] = []) throws {
        let process = Process()
        if launcher.isEmpty {
            process.executableURL = URL(fileURLWithPath: NetmonBinary.path)
            process.arguments = ["probe"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = launcher + [NetmonBinary.path, "probe"] + arguments
        }
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        self.process = process
        self.logPath = logPath
        self.pid = process.processIdentifier
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }

    func signal(_ number: Int32) { kill(pid, number) }

    /// Waits for the process to exit (up to `timeout`); returns its status, or nil if it is still running.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// SIGKILL and reap (cleanup for failed tests too).
    func killHard() async {
        if process.isRunning { kill(pid, SIGKILL) }
        _ = await waitForExit(timeout: .seconds(10))
    }
}
