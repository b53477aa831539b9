#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Something that hands out bytes in chunks: a file, or memory in tests.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; returns 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// A name for messages (the path, usually).
    var name: String { get }
    /// The total size if known (for progress).
    var totalBytes: Int64? { get }
}

/// Reads a file with `read(2)`, never holding more than the caller's buffer.
public final class FileByteSource: ByteSource {
    private let fd: Int32
    public let name: String
    public let totalBytes: Int64?

    /// Opens `path` for reading.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ReportReadError(
                code: .io, message: "cannot open: \(String(cString: strerror(errno)))", file: path)
        }
        var st = stat()
        self.totalBytes = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int64(st.st_size) : nil
        self.fd = fd
        self.name = path
    }

    deinit { close(self.fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(self.fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw ReportReadError(
                code: .io, message: "read failed: \(String(cString: strerror(errno)))", file: self.name)
        }
    }
}

/// Bytes held in memory, handed out in chunks of at most `chunkSize` (small chunks exercise the
/// readers' chunk boundaries in tests).
public final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    private let chunkSize: Int
    public let name: String
    public var totalBytes: Int64? { Int64(self.bytes.count) }

    public init(_ text: String, name: String = "<memory>", chunkSize: Int = 1 << 16) {
        self.bytes = Array(text.utf8)
        self.name = name
        self.chunkSize = max(1, chunkSize)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, self.chunkSize, self.bytes.count - self.offset)
        guard n > 0 else { return 0 }
        self.bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + self.offset, byteCount: n)
        }
        self.offset += n
        return n
    }
}

/// A source with no bytes (the reader of a chunk already in memory has nothing more to read).
final class EmptyByteSource: ByteSource {
    let name: String
    var totalBytes: Int64? { 0 }
    init(name: String) { self.name = name }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { 0 }
}
