#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where written bytes go.
public protocol ByteSink: AnyObject {
    func write(_ bytes: [UInt8]) throws
}

/// Why writing output failed.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(self.path): \(self.message)" }
}

/// Writes a file atomically: bytes go to a temporary file beside it, renamed into place by `commit()`.
/// A sink dropped without `commit()` removes its temporary file, so nothing half-written is left.
public final class AtomicFileSink: ByteSink {
    public let path: String
    private let temporaryPath: String
    private var fd: Int32
    private var committed = false

    public init(path: String) throws {
        self.path = path
        self.temporaryPath = path + ".tmp-\(getpid())"
        self.fd = open(self.temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard self.fd >= 0 else {
            throw OutputError(path: path, message: "cannot create: \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        if !self.committed {
            close(self.fd)
            unlink(self.temporaryPath)
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(self.fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: self.path, message: "write failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    /// Flushes, closes and renames the file into place.
    public func commit() throws {
        guard !self.committed else { return }
        self.committed = true
        if fsync(self.fd) != 0 || close(self.fd) != 0 {
            unlink(self.temporaryPath)
            throw OutputError(path: self.path, message: "cannot finish writing: \(String(cString: strerror(errno)))")
        }
        if rename(self.temporaryPath, self.path) != 0 {
            unlink(self.temporaryPath)
            throw OutputError(path: self.path, message: "cannot rename into place: \(String(cString: strerror(errno)))")
        }
    }
}

/// Collects bytes in memory (tests).
public final class MemoryByteSink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ bytes: [UInt8]) throws { self.bytes.append(contentsOf: bytes) }
    public var text: String { String(decoding: self.bytes, as: UTF8.self) }
}
