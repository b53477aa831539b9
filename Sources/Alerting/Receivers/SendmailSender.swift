import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Hands notifications to a local MTA: `/usr/sbin/sendmail -t -oi`, the message on standard input.
///
/// The program runs as a child process on a thread of its own (not on the cooperative pool). Exit status 75
/// (EX_TEMPFAIL) is transient, other non-zero statuses permanent. The message is written with POSIX `write` on a
/// non-blocking pipe with SIGPIPE blocked on that thread, so a sendmail that exits (or is killed) before reading
/// all of it is a transient delivery error (`EPIPE`), never a crash of the server; a sendmail that neither reads
/// nor exits within `timeout` seconds is killed (SIGKILL) and the attempt fails as timed out. Both go through the
/// retry policy like any other failure.
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

    /// How writing the message to the child's standard input ended.
    enum WriteOutcome: Sendable, Equatable {
        case complete
        /// The child closed its end (EPIPE) after `written` bytes.
        case closedEarly(written: Int)
        /// The deadline passed with the pipe still full.
        case timedOut(written: Int)
        /// Another write error (errno).
        case failed(errno: Int32, written: Int)
    }

    func run(input: [UInt8], timeout: Double) async throws(DeliveryError) {
        guard FileManager.default.isExecutableFile(atPath: self.path) else {
            throw DeliveryError(
                code: .invalidConfiguration, message: "sendmail is not an executable file", context: self.path)
        }
        let path = self.path
        let arguments = self.arguments
        let seconds = timeout.isFinite ? min(max(timeout, 0.1), 86_400) : 60
        let result: Result<Void, DeliveryError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Self.runChild(path, arguments, input, timeout: seconds))
            }
            thread.start()
        }
        try result.get()
    }

    /// Starts the child, writes `input`, waits for it (killing it at the deadline) and classifies the outcome.
    private static func runChild(
        _ path: String, _ arguments: [String], _ input: [UInt8], timeout: Double
    ) -> Result<Void, DeliveryError> {
        let command = ([path] + arguments).joined(separator: " ")
        var process = Process()
        var stdin = Pipe()
        // "Text file busy" (ETXTBSY): the program is being written, e.g. replaced by a package upgrade, or another
        // thread's child inherited a descriptor of it for an instant. Tried again a few times before giving up.
        for attempt in 1...5 {
            process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            stdin = Pipe()
            process.standardInput = stdin
            process.standardOutput = FileHandle.nullDevice
            do {
                try process.run()
                break
            } catch {
                let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
                let busy = underlying?.domain == NSPOSIXErrorDomain && underlying?.code == Int(ETXTBSY)
                guard busy, attempt < 5 else {
                    return .failure(
                        DeliveryError(code: .process, message: "could not start sendmail: \(error)", context: path))
                }
                usleep(100_000)
            }
        }
        // SIGKILL: a child started from a thread with a blocking signal mask may not see SIGTERM.
        let pid = process.processIdentifier
        let timer = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let outcome = Self.write(input, to: stdin.fileHandleForWriting.fileDescriptor, deadline: Date() + timeout)
        try? stdin.fileHandleForWriting.close()
        if case .timedOut = outcome { kill(pid, SIGKILL) }
        process.waitUntilExit()
        timer.cancel()
        if process.terminationReason == .uncaughtSignal {
            let signal = process.terminationStatus
            return .failure(
                signal == SIGKILL
                    ? DeliveryError(
                        code: .timedOut, message: "sendmail did not finish within \(timeout) s and was killed",
                        context: command, isTransient: true)
                    : DeliveryError(
                        code: .process, message: "sendmail was ended by signal \(signal)", context: command,
                        isTransient: true))
        }
        let status = process.terminationStatus
        switch outcome {
        case .complete:
            break
        case .closedEarly(let written), .timedOut(let written):
            return .failure(
                DeliveryError(
                    code: .process,
                    message: "sendmail exited with status \(status) before reading the whole message "
                        + "(\(written) of \(input.count) bytes written)",
                    context: command, isTransient: status == 0 || status == 75 || status == 15))
        case .failed(let number, let written):
            return .failure(
                DeliveryError(
                    code: .process,
                    message: "writing the message to sendmail failed after \(written) of \(input.count) bytes: "
                        + String(cString: strerror(number)),
                    context: command, isTransient: true))
        }
        guard status == 0 else {
            return .failure(
                DeliveryError(
                    code: .process, message: "sendmail exited with status \(status)", context: command,
                    isTransient: status == 75 || status == 15))
        }
        return .success(())
    }

    /// Writes `bytes` to the pipe `fd` with POSIX `write`: non-blocking with `poll`, so a reader that stops reading
    /// cannot hold the thread past `deadline`, and with SIGPIPE blocked on this thread (a pending SIGPIPE is taken
    /// back before returning), so a reader that went away is `EPIPE`, not a signal that ends the process.
    static func write(_ bytes: [UInt8], to fd: Int32, deadline: Date) -> WriteOutcome {
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
        defer {
            // Consume a SIGPIPE raised by our write (thread-directed, so pending here) before unblocking it.
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeSignal, nil, &zero)
            }
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
        var written = 0
        return bytes.withUnsafeBytes { buffer -> WriteOutcome in
            guard let base = buffer.baseAddress else { return .complete }
            while written < buffer.count {
                let count = Glibc.write(fd, base + written, buffer.count - written)
                if count > 0 {
                    written += count
                    continue
                }
                let number = count < 0 ? errno : EAGAIN
                switch number {
                case EINTR:
                    continue
                case EPIPE:
                    return .closedEarly(written: written)
                case EAGAIN:
                    let remaining = deadline.timeIntervalSinceNow
                    guard remaining > 0 else { return .timedOut(written: written) }
                    var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    let milliseconds = Int32(min(remaining * 1000, 60_000).rounded(.up))
                    _ = poll(&descriptor, 1, milliseconds)
                default:
                    return .failed(errno: number, written: written)
                }
            }
            return .complete
        }
    }
}
