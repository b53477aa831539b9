import Foundation

/// Output of a finished command.
public struct CommandOutput: Sendable {
    /// Exit status.
    public var status: Int32
    /// Standard output as text.
    public var stdout: String
    /// Standard error as text.
    public var stderr: String
}

/// A command that failed: what ran, its status and its error output.
public struct CommandError: Error, CustomStringConvertible, Sendable {
    /// The command line.
    public var command: [String]
    /// What it printed and how it exited.
    public var output: CommandOutput

    public var description: String {
        "`\(self.command.joined(separator: " "))` exited \(self.output.status): \(self.output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
    }
}

/// Runs programs for tests (ip, nft, ping, the netmon binary) and collects their output.
public enum Shell {
    /// Runs `arguments` (the first is looked up on PATH) to completion.
    /// - Parameter check: throw `CommandError` on a non-zero exit.
    @discardableResult
    public static func run(_ arguments: [String], check: Bool = true) throws -> CommandOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = errPipe.fileHandleForReading.readToEndRetryingInterrupts()
            group.leave()
        }
        let outData = outPipe.fileHandleForReading.readToEndRetryingInterrupts()
        group.wait()
        process.waitUntilExit()
        let output = CommandOutput(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
        if check && output.status != 0 {
            throw CommandError(command: arguments, output: output)
        }
        return output
    }

    /// Whether `name` is an executable on PATH.
    public static func hasProgram(_ name: String) -> Bool {
        (try? self.run(["sh", "-c", "command -v \(name)"], check: false).status) == 0
    }
}
