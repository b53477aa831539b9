import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Files that hold secrets (tokens): created mode 0600 from the first byte, never readable by others.
enum SecretFile {
    struct WriteError: Error, CustomStringConvertible {
        var path: String
        var errno: Int32
        var description: String { "cannot write secret file '\(path)': \(String(cString: strerror(errno)))" }
    }

    /// Replaces `path` with `text`: written to a new 0600 file beside it, then renamed over it.
    static func write(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteError(path: path, errno: errno) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let error = WriteError(path: path, errno: errno)
                close(fd)
                unlink(temporary)
                throw error
            }
            written += n
        }
        guard fsync(fd) == 0, close(fd) == 0, rename(temporary, path) == 0 else {
            let error = WriteError(path: path, errno: errno)
            unlink(temporary)
            throw error
        }
    }

    /// Whether a file's mode lets its group or others read it.
    static func isReadableByOthers(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return info.st_mode & (S_IRGRP | S_IROTH) != 0
    }
}
