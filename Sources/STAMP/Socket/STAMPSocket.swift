import CNetShims
import NetMonitor
import NetworkAddress

#if canImport(Glibc)
    import Glibc
#endif

/// A non-blocking UDP socket for STAMP test packets, with what both ends need from the kernel: receive timestamps
/// (SO_TIMESTAMPNS, CLOCK_REALTIME, the clock of `WallClock`), the received TTL or hop limit (for Ses-Sender TTL),
/// the received TOS or traffic class, and the destination address of each datagram (to reply from it).
///
/// Thread safety: one thread receives and sends; the buffers here are touched by that thread only.
public final class STAMPSocket: @unchecked Sendable {
    /// One received datagram, its bytes valid until the next `receive`.
    public struct Datagram {
        /// The UDP payload.
        public var bytes: UnsafeRawBufferPointer
        /// Who sent it.
        public var source: STAMPEndpoint?
        /// The address it was sent to.
        public var destination: IPAddress?
        /// Kernel receive time, nanoseconds since the epoch (the user-space clock when the kernel gave none).
        public var kernelTime: Int64
        /// TTL or hop limit as received, when the kernel said.
        public var ttl: Int?
        /// TOS byte or traffic class as received, when the kernel said.
        public var trafficClass: Int?
    }

    /// The IP family.
    public let family: IPFamily
    /// The descriptor (owned; closed by `close()` or on deinit).
    public let descriptor: Int32
    private var isClosed = false
    private let receiveBuffer: UnsafeMutableRawBufferPointer
    private let controlBuffer: UnsafeMutableRawBufferPointer
    /// 16 bytes for the packet-info address of each receive, allocated once.
    private let addressScratch: UnsafeMutableBufferPointer<UInt8>

    private init(family: IPFamily, descriptor: Int32) {
        self.family = family
        self.descriptor = descriptor
        self.receiveBuffer = .allocate(byteCount: 65_536, alignment: 16)
        self.controlBuffer = .allocate(byteCount: 512, alignment: 16)
        self.addressScratch = .allocate(capacity: 16)
        self.addressScratch.initialize(repeating: 0)
    }

    deinit {
        self.close()
        self.receiveBuffer.deallocate()
        self.controlBuffer.deallocate()
        self.addressScratch.deallocate()
    }

    /// Opens a UDP socket of `family` with timestamps, TTL, TOS and packet information enabled.
    public static func open(family: IPFamily) throws(ProbeError) -> STAMPSocket {
        let domain = family == .v4 ? AF_INET : AF_INET6
        let fd = socket(
            domain, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
            Int32(IPPROTO_UDP))
        guard fd >= 0 else {
            let code = errno
            throw ProbeError(
                .socketFailed, "socket() failed: \(String(cString: strerror(code)))",
                context: "UDP \(family.rawValue) socket", errno: code)
        }
        let socket = STAMPSocket(family: family, descriptor: fd)
        try socket.setOption(SOL_SOCKET, CNetShims_SO_TIMESTAMPNS(), 1, "SO_TIMESTAMPNS")
        switch family {
        case .v4:
            try socket.setOption(Int32(IPPROTO_IP), CNetShims_IP_RECVTTL(), 1, "IP_RECVTTL")
            try socket.setOption(Int32(IPPROTO_IP), CNetShims_IP_RECVTOS(), 1, "IP_RECVTOS")
            try socket.setOption(Int32(IPPROTO_IP), CNetShims_IP_PKTINFO(), 1, "IP_PKTINFO")
        case .v6:
            try socket.setOption(Int32(IPPROTO_IPV6), Int32(IPV6_V6ONLY), 1, "IPV6_V6ONLY")
            try socket.setOption(Int32(IPPROTO_IPV6), CNetShims_IPV6_RECVHOPLIMIT(), 1, "IPV6_RECVHOPLIMIT")
            try socket.setOption(Int32(IPPROTO_IPV6), CNetShims_IPV6_RECVTCLASS(), 1, "IPV6_RECVTCLASS")
            try socket.setOption(Int32(IPPROTO_IPV6), CNetShims_IPV6_RECVPKTINFO(), 1, "IPV6_RECVPKTINFO")
        }
        // Bursts from many senders: a larger receive buffer (best effort; FORCE needs CAP_NET_ADMIN).
        if (try? socket.setOption(SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20, "SO_RCVBUFFORCE")) == nil {
            try? socket.setOption(SOL_SOCKET, SO_RCVBUF, 4 << 20, "SO_RCVBUF")
        }
        return socket
    }

    /// Binds to `endpoint` (port 0: the kernel picks one).
    public func bind(_ endpoint: STAMPEndpoint) throws(ProbeError) {
        if endpoint.isWildcard || endpoint.port != 0 {
            try? self.setOption(SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR")
        }
        var (storage, length) = endpoint.address.socketAddress(port: endpoint.port)
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(self.descriptor, $0, length) }
        }
        guard result == 0 else {
            let code = errno
            let advice =
                code == EACCES && endpoint.port < 1024
                ? " (ports below 1024 need CAP_NET_BIND_SERVICE: run as root, from the systemd unit, or `setcap cap_net_bind_service+ep netmon`)"
                : ""
            throw ProbeError(
                code == EACCES ? .permissionDenied : .socketFailed,
                "bind failed: \(String(cString: strerror(code)))\(advice)", context: "\(endpoint)", errno: code)
        }
    }

    /// Connects to `endpoint`: sends go there and only its datagrams are received (a sender's session socket).
    public func connect(_ endpoint: STAMPEndpoint) throws(ProbeError) {
        var (storage, length) = endpoint.address.socketAddress(port: endpoint.port)
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(self.descriptor, $0, length) }
        }
        guard result == 0 else {
            let code = errno
            throw ProbeError(
                .socketFailed, "connect failed: \(String(cString: strerror(code)))", context: "\(endpoint)",
                errno: code)
        }
    }

    /// The local address and port the socket is bound to.
    public var localEndpoint: STAMPEndpoint? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(self.descriptor, $0, &length) }
        }
        return result == 0 ? STAMPEndpoint(socketAddress: storage) : nil
    }

    /// Sets the TOS byte (IPv4) or traffic class (IPv6) of every packet sent (0…255; DSCP × 4).
    public func setTrafficClass(_ value: Int) throws(ProbeError) {
        switch self.family {
        case .v4: try self.setOption(Int32(IPPROTO_IP), IP_TOS, Int32(value), "IP_TOS")
        case .v6: try self.setOption(Int32(IPPROTO_IPV6), IPV6_TCLASS, Int32(value), "IPV6_TCLASS")
        }
    }

    /// Receives one waiting datagram and passes it to `body`. Returns 0 when one was received, EAGAIN when none was
    /// waiting, or the errno of a failed receive (ECONNREFUSED on a connected socket: the peer's port is closed).
    public func receive(_ body: (Datagram) -> Void) -> Int32 {
        var storage = sockaddr_storage()
        var iov = iovec(iov_base: self.receiveBuffer.baseAddress, iov_len: self.receiveBuffer.count)
        var header = msghdr()
        let count: Int = withUnsafeMutablePointer(to: &storage) { name in
            withUnsafeMutablePointer(to: &iov) { iovPointer in
                header.msg_name = UnsafeMutableRawPointer(name)
                header.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                header.msg_iov = iovPointer
                header.msg_iovlen = 1
                header.msg_control = self.controlBuffer.baseAddress
                header.msg_controllen = self.controlBuffer.count
                return recvmsg(self.descriptor, &header, Int32(MSG_DONTWAIT))
            }
        }
        guard count >= 0 else { return errno }
        var datagram = Datagram(
            bytes: UnsafeRawBufferPointer(rebasing: self.receiveBuffer[0..<count]),
            source: STAMPEndpoint(socketAddress: storage), destination: nil, kernelTime: 0, ttl: nil,
            trafficClass: nil)
        var cmsg = CNetShims_CMSG_FIRSTHDR(&header)
        let address = self.addressScratch
        while let current = cmsg {
            var time = timespec()
            var value: Int32 = 0
            var interface: Int32 = 0
            if CNetShims_readTimestampNS(current, &time) == 1 {
                datagram.kernelTime = Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
            } else if CNetShims_readHopLimit(current, &value) == 1 {
                datagram.ttl = Int(value)
            } else if CNetShims_readTrafficClass(current, &value) == 1 {
                datagram.trafficClass = Int(value)
            } else if CNetShims_readIPv4PacketInfo(current, address.baseAddress) == 1 {
                datagram.destination = IPAddress(
                    ipv4: UInt32(address[0]) << 24 | UInt32(address[1]) << 16 | UInt32(address[2]) << 8
                        | UInt32(address[3]))
            } else if CNetShims_readIPv6PacketInfo(current, address.baseAddress, &interface) == 1 {
                let raw = UnsafeRawBufferPointer(address)
                datagram.destination = IPAddress(
                    high: UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)),
                    low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
            cmsg = CNetShims_CMSG_NXTHDR(&header, current)
        }
        if datagram.kernelTime == 0 { datagram.kernelTime = WallClock.nanoseconds() }
        body(datagram)
        return 0
    }

    /// Sends `bytes` on a connected socket. Returns 0 or errno.
    @inline(__always)
    public func send(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        Glibc.send(self.descriptor, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT)) < 0 ? errno : 0
    }

    /// Sends `bytes` to `destination`, from the local address `source` when given (a wildcard-bound reflector
    /// answers from the address it was asked on) and with TOS/traffic class `trafficClass` when given. Returns 0 or
    /// errno.
    public func send(
        _ bytes: UnsafeRawBufferPointer, to destination: STAMPEndpoint, from source: IPAddress?, trafficClass: Int?
    ) -> Int32 {
        var (storage, length) = destination.address.socketAddress(port: destination.port)
        var control = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let capacity = MemoryLayout.size(ofValue: control)
        return withUnsafeMutableBytes(of: &control) { controlBytes in
            var used = 0
            if let source {
                var sourceBytes = source.bytes
                used +=
                    source.family == .v6
                    ? CNetShims_writeIPv6SourceInfo(controlBytes.baseAddress, capacity, &sourceBytes)
                    : CNetShims_writeIPv4SourceInfo(controlBytes.baseAddress, capacity, &sourceBytes)
            }
            if let trafficClass {
                used += CNetShims_writeTrafficClass(
                    controlBytes.baseAddress! + used, capacity - used, self.family == .v6 ? 1 : 0, Int32(trafficClass))
            }
            var iov = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
            return withUnsafeMutablePointer(to: &storage) { name in
                withUnsafeMutablePointer(to: &iov) { iovPointer in
                    var header = msghdr()
                    header.msg_name = UnsafeMutableRawPointer(name)
                    header.msg_namelen = length
                    header.msg_iov = iovPointer
                    header.msg_iovlen = 1
                    header.msg_control = used > 0 ? controlBytes.baseAddress : nil
                    header.msg_controllen = used
                    return sendmsg(self.descriptor, &header, Int32(MSG_DONTWAIT)) < 0 ? errno : 0
                }
            }
        }
    }

    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32, _ label: String) throws(ProbeError) {
        try SocketOption.set(
            self.descriptor, level, name, value, label: label, context: "UDP \(self.family.rawValue) socket")
    }

    /// Closes the descriptor (idempotent).
    public func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        _ = Glibc.close(self.descriptor)
    }
}
