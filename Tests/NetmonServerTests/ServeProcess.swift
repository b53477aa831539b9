import Foundation
import TestSupport

/// `netmon serve` run as its own process (the built binary), logging to a file in `directory`; the port is read
/// from its "listening on 127.0.0.1:PORT" line. Stopped with SIGTERM (SIGKILL if it lingers) by ``stop()``.
final class ServeProcess: Sendable {
    let child: ChildProcess
    let port: Int

    /// Starts `netmon serve ARGUMENTS --listen 127.0.0.1:0` and waits (up to `timeout` s) until it listens.
    init(arguments: [String], directory: URL, timeout: Double = 120) async throws {
        let child = try ChildProcess(
            [NetmonBinary.path, "serve"] + arguments + ["--listen", "127.0.0.1:0"],
            log: directory.appendingPathComponent("serve.log").path)
        _ = await child.waitForOutput(timeout: .seconds(timeout)) { Self.listeningPort($0) != nil }
        guard let port = Self.listeningPort(child.log) else {
            let running = child.isRunning
            child.stop(grace: 5)
            throw RawHTTPError("netmon serve did not start (running: \(running)): \(child.log)")
        }
        self.child = child
        self.port = port
    }

    var log: String { self.child.log }
    var isRunning: Bool { self.child.isRunning }

    private static func listeningPort(_ log: String) -> Int? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("listening on 127.0.0.1:") }),
            let range = line.range(of: "listening on 127.0.0.1:")
        else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    /// SIGTERM, then SIGKILL after 5 s; waits for the exit. Returns the exit status (nil if it had already gone).
    @discardableResult
    func stop() -> Int32? { self.child.stop(grace: 5) }
}
