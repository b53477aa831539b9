import Foundation
import Synchronization

/// Runs `mmcli` or `qmicli` and returns what it printed.
public enum ModemTool {
    /// Runs `arguments` (the first is looked up on PATH) in the C locale, so numbers use a decimal point.
    /// Throws `.unavailable` when the program is not installed, `.toolError` on a non-zero exit (with its error
    /// output) and `.timeout` when it has not finished in `timeout` (it is then terminated).
    public static func run(_ arguments: [String], timeout: Duration = .seconds(20)) throws(ModemSignalError) -> Data {
        guard let name = arguments.first, let executable = self.locate(name) else {
            throw ModemSignalError(
                .unavailable, context: arguments.first ?? "command",
                "not installed (not found on PATH); install it or read a saved output with --from-file")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            throw ModemSignalError(.unavailable, context: name, "cannot start: \(error.localizedDescription)")
        }
        let collected = Collected()
        let readers = DispatchGroup()
        for (pipe, isError) in [(outPipe, false), (errPipe, true)] {
            readers.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(data, isError: isError)
                readers.leave()
            }
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        if finished.wait(timeout: .now() + seconds) == .timedOut {
            // SIGTERM, then SIGKILL for a tool that ignores it (a qmicli stuck on a dead device). A grandchild that
            // keeps the pipes open also hides the exit from Process, so neither is waited for long: at most 2 s
            // past the timeout in all.
            process.terminate()
            if finished.wait(timeout: .now() + 1) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                _ = finished.wait(timeout: .now() + 0.5)
            }
            _ = readers.wait(timeout: .now() + 0.5)
            throw ModemSignalError(.timeout, context: name, "no answer within \(timeout)")
        }
        readers.wait()
        let (output, errorOutput) = collected.values
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ModemSignalError(
                .toolError, context: arguments.joined(separator: " "),
                "exited \(process.terminationStatus): \(message.isEmpty ? "(no error output)" : message)")
        }
        return output
    }

    /// The absolute path of `name` on PATH (or `name` itself when it contains a slash), if it is executable.
    static func locate(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Standard output and error of a child, filled by two reader threads.
    private final class Collected: Sendable {
        private let buffers = Mutex((output: Data(), errorOutput: Data()))

        func store(_ data: Data, isError: Bool) {
            self.buffers.withLock { if isError { $0.errorOutput = data } else { $0.output = data } }
        }

        var values: (Data, Data) { self.buffers.withLock { ($0.output, $0.errorOutput) } }
    }
}
