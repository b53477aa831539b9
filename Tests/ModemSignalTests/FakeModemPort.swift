import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A modem's AT port played on a real pseudo-terminal: the slave side (`path`) is what `netmon signal read` opens;
/// a thread on the master side answers the first command ending in a carriage return with `answer`, or stays silent
/// when `answer` is nil. `finish()` stops the thread and closes both sides.
final class FakeModemPort: Sendable {
    let path: String
    private let master: Int32
    /// Held open so the master never sees a hang-up between two openings of the slave.
    private let slave: Int32
    private let state = State()
    private let done = DispatchSemaphore(value: 0)

    /// What the port received.
    var received: String { self.state.received }

    init(answer: String?) throws {
        // /dev/ptmx by hand: Glibc's Swift module leaves out posix_openpt, unlockpt and ptsname.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, Self.setLock, &unlock) == 0, ioctl(master, Self.getNumber, &number) == 0
        else {
            if master >= 0 { close(master) }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        let path = "/dev/pts/\(number)"
        let slave = open(path, O_RDWR | O_NOCTTY)
        guard slave >= 0 else {
            close(master)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        self.master = master
        self.slave = slave
        self.path = path
        let bytes = answer.map { Array($0.utf8) }
        let state = self.state
        let done = self.done
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 256)
            var answered = false
            let deadline = ContinuousClock.now + .seconds(60)
            while !state.stopped, ContinuousClock.now < deadline {
                var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 100) > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if count <= 0 { continue }
                let all = state.append(buffer[0..<count])
                if !answered, all.contains(13), let bytes {
                    answered = true
                    _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
                }
            }
            done.signal()
        }
        thread.start()
    }

    /// TIOCSPTLCK and TIOCGPTN (linux/asm-generic/ioctls.h: _IOW('T', 0x31, int), _IOR('T', 0x30, unsigned int)).
    private static let setLock = UInt(0x4004_5431)
    private static let getNumber = UInt(0x8004_5430)

    /// Stops the answering thread and closes the port.
    func finish() {
        self.state.stop()
        self.done.wait()
        close(self.slave)
        close(self.master)
    }

    private final class State: @unchecked Sendable {
        // Safe: every access holds `lock`.
        private let lock = NSLock()
        private var bytes: [UInt8] = []
        private var isStopped = false

        var stopped: Bool { self.lock.withLock { self.isStopped } }
        var received: String { self.lock.withLock { String(decoding: self.bytes, as: UTF8.self) } }

        func stop() { self.lock.withLock { self.isStopped = true } }

        func append(_ new: ArraySlice<UInt8>) -> [UInt8] {
            self.lock.withLock {
                self.bytes.append(contentsOf: new)
                return self.bytes
            }
        }
    }
}
