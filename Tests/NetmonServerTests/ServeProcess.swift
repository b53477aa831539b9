import Foundation
import TestSupport

/// `netmon serve` run as its own process (the built binary), logging to a file in `directory`; the port is read
/// from its "listening on 127.0.0.1:PORT" line. Stopped with SIGTERM (SIGKILL if it lingers) by ``stop()``.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let logPath: String
    private(set) var port = 0

    /// Starts `netmon serve ARGUMENTS --listen 127.0.0.1:0` and waits (up to `timeout` s) until it listens.
    init(arguments: [String], directory: URL, timeout: Double = 120) async throws {
        logPath = directory.appendingPathComponent("serve.log").path
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: NetmonBinary.path)
        process.arguments = ["serve"] + arguments + ["--listen", "127.0.0.1:0"]
        process.standardOutput = FileHandle(forWritingAtPath: logPath)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline, process.isRunning {
            if let p = listeningPort() {
                port = p
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        if let p = listeningPort() {
            port = p
            return
        }
        stop()
        throw RawHTTPError("netmon serve did not start (running: \(process.isRunning)): \(log)")
    }

    deinit { stop() }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }

    private func listeningPort() -> Int? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("listening on 127.0.0.1:") }),
            let range = line.range(of: "listening on 127.0.0.1:")
        else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    /// SIGTERM, then SIGKILL after 5 s; waits for the exit. Returns the exit status (nil if it had already gone).
    @discardableResult
    func stop() -> Int32? {
        guard process.isRunning else { return nil }
        process.terminate()
        for _ in 0..<500 where process.isRunning { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
