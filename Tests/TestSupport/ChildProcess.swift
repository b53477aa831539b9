import Foundation
import Synchronization

/// A long-running child (a responder, a server) whose standard output is collected as it comes, so a test can
/// wait for a readiness line. Terminated on `stop()` and on deinit.
public final class ChildProcess: Sendable {
    private let process: Process
    private let output = TextBuffer()
    private let errorOutput = TextBuffer()

    /// Starts `arguments` (the first looked up on PATH).
    public init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        self.process = process
        outPipe.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.readAvailableRetryingInterrupts()
            output.append(data)
        }
        errPipe.fileHandleForReading.readabilityHandler = { [errorOutput] handle in
            let data = handle.readAvailableRetryingInterrupts()
            errorOutput.append(data)
        }
        try process.run()
    }

    deinit { self.stop() }

    /// The process id.
    public var pid: Int32 { self.process.processIdentifier }

    /// Everything written to standard output so far.
    public var stdout: String { self.output.text }

    /// Everything written to standard error so far.
    public var stderr: String { self.errorOutput.text }

    /// Waits until standard output has a line starting with `prefix`.
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

    /// Waits up to `timeout` seconds for the process to exit by itself; its exit status, or nil if still running.
    public func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while self.process.isRunning && Date() < deadline { usleep(10_000) }
        return self.process.isRunning ? nil : self.process.terminationStatus
    }

    /// Sends SIGTERM (then SIGKILL after a second) and waits for the exit.
    public func stop() {
        guard self.process.isRunning else { return }
        self.process.terminate()
        for _ in 0..<100 where self.process.isRunning { usleep(10_000) }
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
        self.process.waitUntilExit()
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
