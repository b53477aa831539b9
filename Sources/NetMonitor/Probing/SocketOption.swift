import Glibc

/// `setsockopt` of one `Int32` value, the way every probing socket sets its options: a failure is a
/// `ProbeError.socketFailed` naming the option, the system's reason and the socket (`context`).
public enum SocketOption {
    /// Sets option `name` at `level` on `descriptor` to `value`.
    /// - Throws: `ProbeError` (`socketFailed`) with `label` (the option's name) and `context`.
    public static func set(
        _ descriptor: Int32, _ level: Int32, _ name: Int32, _ value: Int32, label: String, context: String
    ) throws(ProbeError) {
        var value = value
        if setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            throw self.failure(label, context: context)
        }
    }

    /// The error of a failed option call, from `errno` as the call left it.
    public static func failure(_ label: String, context: String) -> ProbeError {
        let code = errno
        return ProbeError(
            .socketFailed, "setsockopt \(label) failed: \(String(cString: strerror(code)))", context: context,
            errno: code)
    }
}
