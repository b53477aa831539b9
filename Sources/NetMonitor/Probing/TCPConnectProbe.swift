import CNetShims
import NetworkAddress

#if canImport(Glibc)
    import Glibc
#endif

/// A non-blocking TCP connect used as a probe: the round trip is from just before `connect()` to the
/// connection's completion (the SYN-ACK has arrived and the kernel sent the final ACK). The socket is closed
/// right after, so no data is exchanged.
public struct TCPConnectProbe: Sendable {
    /// The socket descriptor while the connect is in flight.
    public let descriptor: Int32
    /// Wall-clock time (ns) right before `connect()`.
    public let startTime: Int64
    /// Set when the connect finished immediately (loopback can): completion time and errno (0 = connected).
    public let immediateResult: (time: Int64, errno: Int32)?

    /// Starts a connect to `address`:`port`.
    /// - Throws: `ProbeError.socketFailed` when no socket can be made.
    public static func start(
        to address: IPAddress, port: UInt16, ttl: Int?, tos: Int?
    ) throws(ProbeError) -> TCPConnectProbe {
        let domain = address.family == .v4 ? AF_INET : AF_INET6
        let fd = socket(
            domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw ProbeError(
                .socketFailed, "socket() failed: \(String(cString: strerror(errno)))", context: "TCP probe",
                errno: errno)
        }
        if var ttl = ttl.map(Int32.init) {
            if address.family == .v4 {
                setsockopt(fd, Int32(IPPROTO_IP), IP_TTL, &ttl, 4)
            } else {
                setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_UNICAST_HOPS, &ttl, 4)
            }
        }
        if var tos = tos.map(Int32.init) {
            if address.family == .v4 {
                setsockopt(fd, Int32(IPPROTO_IP), IP_TOS, &tos, 4)
            } else {
                setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_TCLASS, &tos, 4)
            }
        }
        // No lingering FIN/TIME_WAIT dance matters for a probe; a zero linger closes with RST.
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        var (storage, length) = address.socketAddress(port: port)
        let start = WallClock.nanoseconds()
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
        }
        if result == 0 {
            return TCPConnectProbe(descriptor: fd, startTime: start, immediateResult: (WallClock.nanoseconds(), 0))
        }
        let code = errno
        if code == EINPROGRESS {
            return TCPConnectProbe(descriptor: fd, startTime: start, immediateResult: nil)
        }
        return TCPConnectProbe(descriptor: fd, startTime: start, immediateResult: (WallClock.nanoseconds(), code))
    }

    /// After poll reported the socket writable or in error: 0 when connected, else the errno (ECONNREFUSED…).
    public func completionError() -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(4)
        if getsockopt(self.descriptor, SOL_SOCKET, SO_ERROR, &error, &length) != 0 { return errno }
        return error
    }

    /// Closes the socket.
    public func close() { _ = Glibc.close(self.descriptor) }
}
