import Foundation

/// Runs the lab's helper programs (`ip`, `nft`, `ping`) to completion and reports failures as `LabError`s that say
/// which command failed and what it printed.
enum LabShell {
    /// Output of a finished command.
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `arguments` (the first looked up on PATH, with the sbin folders added), feeding `input` on stdin.
    @discardableResult
    static func run(_ arguments: [String], input: String? = nil, check: Bool = true) throws(LabError) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = (environment["PATH"].map { $0 + ":" } ?? "") + "/usr/local/sbin:/usr/sbin:/sbin"
        process.environment = environment
        let outPipe = Pipe()
        let errPipe = Pipe()
        let inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        do {
            try process.run()
        } catch {
            throw LabError(.commandFailed, "cannot start: \(error)", context: arguments.joined(separator: " "))
        }
        if let input {
            let handle = inPipe.fileHandleForWriting
            let data = Data(input.utf8)
            // Write on a thread of its own so a full stdout pipe cannot deadlock us.
            let writer = Thread {
                handle.write(data)
                try? handle.close()
            }
            writer.start()
        }
        // Read both pipes concurrently for the same reason.
        nonisolated(unsafe) var errData = Data()
        let errDone = DispatchSemaphore(value: 0)
        let errReader = Thread {
            errData = errPipe.fileHandleForReading.readDataToEndOfFile()
            errDone.signal()
        }
        errReader.start()
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        errDone.wait()
        process.waitUntilExit()
        let output = Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
        if check && output.status != 0 {
            let shown =
                arguments.count > 8
                ? arguments.prefix(8).joined(separator: " ") + " …" : arguments.joined(separator: " ")
            throw LabError(
                .commandFailed,
                "exited \(output.status): \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))",
                context: shown)
        }
        return output
    }

    /// Runs `ip -batch -` (optionally in a namespace) with one command per line.
    static func ipBatch(namespace: String?, _ lines: [String]) throws(LabError) {
        guard !lines.isEmpty else { return }
        var arguments = ["ip"]
        if let namespace { arguments += ["-n", namespace] }
        arguments += ["-batch", "-"]
        try self.run(arguments, input: lines.joined(separator: "\n") + "\n")
    }

    /// Runs `nft -f -` inside `namespace` with `ruleset`.
    static func nft(namespace: String, _ ruleset: String) throws(LabError) {
        try self.run(["ip", "netns", "exec", namespace, "nft", "-f", "-"], input: ruleset)
    }
}
