import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension FileHandle {
    /// Reads until end of file, retrying reads that a signal interrupted.
    ///
    /// Foundation's `readToEndRetryingInterrupts()` traps (`try!`) when `read` fails with EINTR, which happens in a test
    /// process that runs children and signal sources; this reads with `read(2)` directly instead.
    public func readToEndRetryingInterrupts() -> Data {
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let fd = self.fileDescriptor
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                result.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                return result
            }
        }
    }

    /// One read of what is available now (empty at end of file), retrying reads that a signal interrupted.
    public func readAvailableRetryingInterrupts() -> Data {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let fd = self.fileDescriptor
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 { return Data(buffer[0..<count]) }
            if count == 0 || errno != EINTR { return Data() }
        }
    }
}
