import Foundation
import Synchronization

/// A long-running child started by a test (a responder, `netmon serve` or `probe`, Alertmanager, an SMTP server):
/// its output is either collected as it comes or appended to a log file, so a test can wait for a readiness line.
/// The one process wrapper of the test suites. Stopped on `stop()` and on deinit.
public final class ChildProcess: Sendable {
    private let process: Process
    private let output = TextBuffer()
    private let errorOutput = TextBuffer()
    /// Where standard output and error go when the child logs to a file; nil when they are collected in memory.
    public let logPath: String?

    /// Starts `arguments` (the first looked up on PATH, or an absolute path). With `log`, standard output and
    /// error are appended to that file (created if missing); otherwise they are collected in memory.
    public init(_ arguments: [String], log: String? = nil, directory: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let log {
            if !FileManager.default.fileExists(atPath: log) {
                FileManager.default.createFile(atPath: log, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            try handle.seekToEnd()
            process.standardOutput = handle
            process.standardError = handle
        } else {
            let outPipe = Pipe()
            let errPipe = Pipe()
            process.standardOutput = outPipe
            process.standardError = errPipe
            outPipe.fileHandleForReading.readabilityHandler = { [output] handle in
                output.append(handle.readAvailableRetryingInterrupts())
            }
            errPipe.fileHandleForReading.readabilityHandler = { [errorOutput] handle in
                errorOutput.append(handle.readAvailableRetryingInterrupts())
            }
        }
        self.process = process
        self.logPath = log
        try process.run()
    }

    deinit { self.stop() }

    /// The process id.
    public var pid: Int32 { self.process.processIdentifier }

    /// Whether the child still runs.
    public var isRunning: Bool { self.process.isRunning }

    /// Everything written to standard output so far (collected mode; the log file's text in log mode).
    public var stdout: String { self.logPath == nil ? self.output.text : self.log }

    /// Everything written to standard error so far (collected mode; the log file's text in log mode).
    public var stderr: String { self.logPath == nil ? self.errorOutput.text : self.log }

    /// All the child wrote so far: the log file, or standard output then standard error.
    public var log: String {
        guard let logPath else { return self.output.text + self.errorOutput.text }
        return (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Sends `number` to the child.
    public func signal(_ number: Int32) { kill(self.pid, number) }

    /// Waits until the output has a line starting with `prefix`.
    /// - Throws: when the process exits first or `timeout` seconds pass, with what it printed.
    public func waitForLine(startingWith prefix: String, timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if self.stdout.split(separator: "\n").contains(where: { $0.hasPrefix(prefix) }) { return }
            if !self.process.isRunning {
                throw ChildProcessError(
                    message: "exited \(self.process.terminationStatus) before printing '\(prefix)': \(self.stderr)")
            }
            usleep(10_000)
        }
        throw ChildProcessError(
            message: "no line starting with '\(prefix)' within \(timeout) s; stderr: \(self.stderr)")
    }

    /// Waits until `found` holds for the output (`log`); false when the child exits first or `timeout` passes.
    public func waitForOutput(timeout: Duration = .seconds(30), _ found: (String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline && self.process.isRunning {
            if found(self.log) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return found(self.log)
    }

    /// Waits up to `timeout` seconds for the process to exit by itself; its exit status, or nil if still running.
    public func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while self.process.isRunning && Date() < deadline { usleep(10_000) }
        return self.process.isRunning ? nil : self.process.terminationStatus
    }

    /// Waits up to `timeout` for the process to exit by itself, without blocking a thread of the pool; its exit
    /// status, or nil if still running.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while self.process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return self.process.isRunning ? nil : self.process.terminationStatus
    }

    /// Sends SIGTERM, then SIGKILL after `grace` seconds, and waits for the exit; the exit status, or nil when the
    /// child had already been reaped here or was still not seen to exit 30 s after SIGKILL (a test's clean-up never
    /// hangs on a child Foundation fails to reap). A grace of 0 kills at once: children started from Swift's thread
    /// pool may inherit a signal mask that blocks SIGTERM.
    @discardableResult
    public func stop(grace: Double = 1) -> Int32? {
        guard self.process.isRunning else { return nil }
        self.process.terminate()
        if let status = self.waitForExit(timeout: grace) { return status }
        kill(self.process.processIdentifier, SIGKILL)
        return self.waitForExit(timeout: 30)
    }

    /// SIGKILL and reap, without blocking a thread of the pool (the clean-up of a failed test, a crash test).
    public func killHard() async {
        if self.process.isRunning { kill(self.pid, SIGKILL) }
        _ = await self.waitForExit(timeout: .seconds(10))
    }
}

/// A child process that did not become ready.
public struct ChildProcessError: Error, CustomStringConvertible, Sendable {
    /// What happened.
    public var message: String
    /// Creates an error.
    public init(message: String) { self.message = message }
    public var description: String { self.message }
}

/// Text appended from a pipe's handler thread and read from the test's.
private final class TextBuffer: Sendable {
    private let storage = Mutex<String>("")
    func append(_ data: Data) { self.storage.withLock { $0 += String(decoding: data, as: UTF8.self) } }
    var text: String { self.storage.withLock { $0 } }
}
