import Foundation

/// Hands notifications to a local MTA: `/usr/sbin/sendmail -t -oi`, the message on standard input.
///
/// The program runs as a child process (not on the cooperative pool: `Process` waits on its own thread); exit
/// status 75 (EX_TEMPFAIL) is transient, other non-zero statuses permanent.
public struct SendmailSender: NotificationSender {
    public var path: String
    public var arguments: [String]
    public var from: String
    public var to: [String]
    public var bodyEncoding: EmailMessage.BodyEncoding
    let now: @Sendable () -> Date

    public init(
        path: String = "/usr/sbin/sendmail", arguments: [String] = ["-t", "-oi"], from: String, to: [String],
        bodyEncoding: EmailMessage.BodyEncoding = .base64, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.path = path
        self.arguments = arguments
        self.from = from
        self.to = to
        self.bodyEncoding = bodyEncoding
        self.now = now
    }

    public func send(_ notification: AlertNotification, timeout: Double) async throws(DeliveryError) {
        let domain = SMTPSession.address(self.from).split(separator: "@").last.map(String.init) ?? "netmon"
        let message = AlertEmail.message(
            notification, from: self.from, to: self.to, bodyEncoding: self.bodyEncoding, now: self.now(), domain: domain
        )
        try await self.run(input: Array(message.rendered().utf8), timeout: timeout)
    }

    func run(input: [UInt8], timeout: Double) async throws(DeliveryError) {
        guard FileManager.default.isExecutableFile(atPath: self.path) else {
            throw DeliveryError(
                code: .invalidConfiguration, message: "sendmail is not an executable file", context: self.path)
        }
        let path = self.path
        let arguments = self.arguments
        let result: Result<Int32, DeliveryError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: path)
                process.arguments = arguments
                let stdin = Pipe()
                process.standardInput = stdin
                process.standardOutput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(
                        returning: .failure(
                            DeliveryError(code: .process, message: "could not start sendmail: \(error)", context: path))
                    )
                    return
                }
                // SIGKILL: a child started from a thread with a blocking signal mask may not see SIGTERM.
                let pid = process.processIdentifier
                let timer = DispatchWorkItem { kill(pid, SIGKILL) }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
                stdin.fileHandleForWriting.write(Data(input))
                try? stdin.fileHandleForWriting.close()
                process.waitUntilExit()
                timer.cancel()
                if process.terminationReason == .uncaughtSignal {
                    continuation.resume(
                        returning: .failure(
                            DeliveryError(
                                code: .timedOut, message: "sendmail did not finish within \(timeout) s", context: path,
                                isTransient: true)))
                    return
                }
                continuation.resume(returning: .success(process.terminationStatus))
            }
            thread.start()
        }
        let status = try result.get()
        guard status == 0 else {
            throw DeliveryError(
                code: .process, message: "sendmail exited with status \(status)",
                context: "\(path) \(arguments.joined(separator: " "))",
                isTransient: status == 75 || status == 15)
        }
    }
}
