import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The demo's child processes (server, probes, …), each logging to a file of its own, stopped together.
final class DemoChildren: Sendable {
    private struct Child {
        var name: String
        var process: Process
        var logPath: String
    }

    private let children = Mutex<[Child]>([])
    private let logDirectory: String

    init(logDirectory: String) { self.logDirectory = logDirectory }

    /// Starts `arguments` (first looked up on PATH) with output to `<logDirectory>/<name>.log`.
    @discardableResult
    func start(_ name: String, _ arguments: [String]) throws -> Int32 {
        let logPath = (self.logDirectory as NSString).appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw DemoError("cannot write \(logPath)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        self.children.withLock { $0.append(Child(name: name, process: process, logPath: logPath)) }
        return process.processIdentifier
    }

    /// Names of children that have exited, with their status and the last line of their log.
    func exited() -> [(name: String, status: Int32, lastLine: String)] {
        self.children.withLock { children in
            children.filter { !$0.process.isRunning }.map { child in
                let text = (try? String(contentsOfFile: child.logPath, encoding: .utf8)) ?? ""
                let last = text.split(separator: "\n").last.map(String.init) ?? ""
                return (child.name, child.process.terminationStatus, last)
            }
        }
    }

    /// SIGTERM to all, then SIGKILL to those still running after `grace` seconds.
    func stopAll(grace: Double = 5) {
        let processes = self.children.withLock { $0.map(\.process) }
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline && processes.contains(where: \.isRunning) { usleep(50_000) }
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for process in processes { process.waitUntilExit() }
    }
}

/// Writes one line to standard output at once (unbuffered), so progress shows as it happens also into pipes.
func demoSay(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// A demo step that failed, in one sentence.
struct DemoError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
