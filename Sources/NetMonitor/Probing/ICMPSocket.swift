import CNetShims
import NetworkAddress

#if canImport(Glibc)
    import Glibc
#endif

/// An ICMP or ICMPv6 socket for echo probes: an unprivileged datagram ICMP socket where
/// `net.ipv4.ping_group_range` allows it, else a raw socket.
///
/// Received packets carry the kernel's receive timestamp (SO_TIMESTAMPNS, CLOCK_REALTIME); `send` returns the
/// same clock read right before `sendto`. The file descriptor is non-blocking: wait with `poll` (see
/// `ReceiveLoop`) and drain with `receive` until it returns false.
///
/// Thread safety: sends may come from one thread while one other thread receives; the kernel serialises the
/// socket, and the receive buffers here are touched by the receiving thread only. Close only after both stopped.
public final class ICMPSocket: @unchecked Sendable {
    /// How the socket was opened.
    public enum Mode: String, Sendable, Hashable {
        /// SOCK_DGRAM + IPPROTO_ICMP(V6): no privilege needed; the kernel sets the identifier and demultiplexes.
        case datagram
        /// SOCK_RAW: root or CAP_NET_RAW; sees every ICMP packet, so replies are filtered by identifier.
        case raw
    }

    /// Which modes to try.
    public enum ModePreference: String, Sendable, Hashable {
        /// Datagram first, raw when datagram is not permitted.
        case automatic
        /// Datagram only.
        case datagram
        /// Raw only.
        case raw
    }

    /// The IP family.
    public let family: IPFamily
    /// Datagram or raw.
    public let mode: Mode
    /// The file descriptor (owned; closed by `close()` or on deinit).
    public let descriptor: Int32
    private var isClosed = false
    private let receiveBuffer: UnsafeMutableRawBufferPointer
    private let controlBuffer: UnsafeMutableRawBufferPointer

    private init(family: IPFamily, mode: Mode, descriptor: Int32) {
        self.family = family
        self.mode = mode
        self.descriptor = descriptor
        self.receiveBuffer = .allocate(byteCount: 65_536, alignment: 16)
        self.controlBuffer = .allocate(byteCount: 1_024, alignment: 16)
    }

    deinit {
        self.close()
        self.receiveBuffer.deallocate()
        self.controlBuffer.deallocate()
    }

    /// The sentence printed when no ICMP socket may be opened.
    public static let permissionAdvice =
        "Cannot open an ICMP socket: allow unprivileged ICMP with `sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"`, or run netmon as root or with CAP_NET_RAW (`setcap cap_net_raw+ep netmon`)."

    /// Opens an ICMP socket for `family`, trying the modes `preference` allows.
    /// - Throws: `ProbeError.permissionDenied` with `permissionAdvice` when nothing may be opened.
    public static func open(family: IPFamily, preference: ModePreference = .automatic) throws(ProbeError) -> ICMPSocket
    {
        try Self.open(family: family, preference: preference, kernelTimestamps: true)
    }

    /// Opens an ICMP socket; without `kernelTimestamps` (tests only) every packet is stamped when read.
    static func open(
        family: IPFamily, preference: ModePreference, kernelTimestamps: Bool
    ) throws(ProbeError)
        -> ICMPSocket
    {
        let domain = family == .v4 ? AF_INET : AF_INET6
        let proto = family == .v4 ? Int32(IPPROTO_ICMP) : Int32(IPPROTO_ICMPV6)
        var lastErrno: Int32 = 0
        let modes: [Mode] =
            switch preference {
            case .automatic: [.datagram, .raw]
            case .datagram: [.datagram]
            case .raw: [.raw]
            }
        for mode in modes {
            let type = mode == .datagram ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_RAW.rawValue)
            let fd = socket(domain, type | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), proto)
            if fd >= 0 {
                let socket = ICMPSocket(family: family, mode: mode, descriptor: fd)
                try socket.configure(kernelTimestamps: kernelTimestamps)
                return socket
            }
            lastErrno = errno
            if lastErrno != EACCES && lastErrno != EPERM && lastErrno != EPROTONOSUPPORT {
                throw ProbeError(
                    .socketFailed, "socket() failed: \(String(cString: strerror(lastErrno)))",
                    context: "ICMP \(family.rawValue) \(mode.rawValue) socket", errno: lastErrno)
            }
        }
        throw ProbeError(.permissionDenied, Self.permissionAdvice, errno: lastErrno)
    }

    private func configure(kernelTimestamps: Bool) throws(ProbeError) {
        if kernelTimestamps { try self.setOption(SOL_SOCKET, CNetShims_SO_TIMESTAMPNS(), 1, "SO_TIMESTAMPNS") }
        // Bursts of replies from many targets: a large receive buffer (best effort; FORCE needs CAP_NET_ADMIN).
        if (try? self.setOption(SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20, "SO_RCVBUFFORCE")) == nil {
            try? self.setOption(SOL_SOCKET, SO_RCVBUF, 4 << 20, "SO_RCVBUF")
        }
        switch (self.family, self.mode) {
        case (.v4, .datagram):
            try self.setOption(Int32(IPPROTO_IP), CNetShims_IP_RECVERR(), 1, "IP_RECVERR")
        case (.v6, .datagram):
            try self.setOption(Int32(IPPROTO_IPV6), CNetShims_IPV6_RECVERR(), 1, "IPV6_RECVERR")
        case (.v4, .raw):
            // Echo reply (0), destination unreachable (3), time exceeded (11), parameter problem (12).
            let mask: UInt32 = 1 << 0 | 1 << 3 | 1 << 11 | 1 << 12
            if CNetShims_setICMPFilter(self.descriptor, mask) != 0 {
                throw self.failure("ICMP_FILTER")
            }
        case (.v6, .raw):
            let types: [UInt8] = [129, 1, 2, 3, 4]
            if CNetShims_setICMP6FilterPassOnly(self.descriptor, types, Int32(types.count)) != 0 {
                throw self.failure("ICMP6_FILTER")
            }
        }
    }

    /// Lets only echo requests through (for a responder) instead of replies and errors.
    public func receiveEchoRequestsOnly() throws(ProbeError) {
        switch self.family {
        case .v4:
            if CNetShims_setICMPFilter(self.descriptor, 1 << 8) != 0 { throw self.failure("ICMP_FILTER") }
        case .v6:
            let types: [UInt8] = [128]
            if CNetShims_setICMP6FilterPassOnly(self.descriptor, types, 1) != 0 { throw self.failure("ICMP6_FILTER") }
        }
    }

    /// Asks for the destination address of received packets (IP_PKTINFO / IPV6_RECVPKTINFO).
    public func enablePacketInfo() throws(ProbeError) {
        switch self.family {
        case .v4: try self.setOption(Int32(IPPROTO_IP), CNetShims_IP_PKTINFO(), 1, "IP_PKTINFO")
        case .v6: try self.setOption(Int32(IPPROTO_IPV6), CNetShims_IPV6_RECVPKTINFO(), 1, "IPV6_RECVPKTINFO")
        }
    }

    /// Sets the TTL (v4) or unicast hop limit (v6) of sent packets (1…255).
    public func setTTL(_ ttl: Int) throws(ProbeError) {
        switch self.family {
        case .v4: try self.setOption(Int32(IPPROTO_IP), IP_TTL, Int32(ttl), "IP_TTL")
        case .v6: try self.setOption(Int32(IPPROTO_IPV6), IPV6_UNICAST_HOPS, Int32(ttl), "IPV6_UNICAST_HOPS")
        }
    }

    /// Sets the TOS byte (v4) or traffic class (v6) of sent packets (0…255).
    public func setTOS(_ tos: Int) throws(ProbeError) {
        switch self.family {
        case .v4: try self.setOption(Int32(IPPROTO_IP), IP_TOS, Int32(tos), "IP_TOS")
        case .v6: try self.setOption(Int32(IPPROTO_IPV6), IPV6_TCLASS, Int32(tos), "IPV6_TCLASS")
        }
    }

    /// The identifier the kernel writes into echo requests of a datagram socket (its local "port"), or nil.
    public var datagramIdentifier: UInt16? {
        guard self.mode == .datagram else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(self.descriptor, $0, &length) }
        }
        guard result == 0 else { return nil }
        return withUnsafeBytes(of: &storage) { raw in
            self.family == .v4
                ? UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
                : UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
        }
    }

    /// Sends an ICMP message to `address`. Read the clock right before calling this: it does nothing else first.
    /// - Returns: 0, or the errno of a failed send (ENETUNREACH, EAGAIN…): a failed send is a probe that was lost.
    @inline(__always)
    public func send(_ message: UnsafeRawBufferPointer, to address: (sockaddr_storage, socklen_t)) -> Int32 {
        var (storage, length) = address
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(self.descriptor, message.baseAddress, message.count, Int32(MSG_DONTWAIT), $0, length)
            }
        }
        return result < 0 ? errno : 0
    }

    /// Sends an ICMP message to `address`; 0 or errno.
    public func send(_ message: UnsafeRawBufferPointer, to address: IPAddress) -> Int32 {
        Self.send(message, to: address, on: self.descriptor)
    }

    /// Sends `message` to `address` on the ICMP socket `descriptor`, with the socket address built on the stack
    /// (the probe engine's per-send path). Read the clock right before calling this. Returns 0 or errno.
    @inline(__always)
    static func send(_ message: UnsafeRawBufferPointer, to address: IPAddress, on descriptor: Int32) -> Int32 {
        let result: Int
        if let v4 = address.ipv4Value {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_addr.s_addr = v4.bigEndian
            result = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(
                        descriptor, message.baseAddress, message.count, Int32(MSG_DONTWAIT), $0,
                        socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        } else {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            withUnsafeMutableBytes(of: &socketAddress.sin6_addr) { bytes in
                bytes.storeBytes(of: address.high.bigEndian, toByteOffset: 0, as: UInt64.self)
                bytes.storeBytes(of: address.low.bigEndian, toByteOffset: 8, as: UInt64.self)
            }
            result = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(
                        descriptor, message.baseAddress, message.count, Int32(MSG_DONTWAIT), $0,
                        socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        return result < 0 ? errno : 0
    }

    /// Sends `message` to `address` from the local address `source` (IP_PKTINFO / IPV6_PKTINFO).
    public func send(_ message: UnsafeRawBufferPointer, to address: IPAddress, from source: IPAddress) -> Int32 {
        var (storage, length) = address.socketAddress()
        var control = [UInt8](repeating: 0, count: 128)
        var sourceBytes = source.bytes
        let controlLength: Int =
            source.family == .v6
            ? CNetShims_writeIPv6SourceInfo(&control, control.count, &sourceBytes)
            : CNetShims_writeIPv4SourceInfo(&control, control.count, &sourceBytes)
        var iov = iovec(iov_base: UnsafeMutableRawPointer(mutating: message.baseAddress), iov_len: message.count)
        return withUnsafeMutablePointer(to: &storage) { name in
            withUnsafeMutablePointer(to: &iov) { iovPointer in
                control.withUnsafeMutableBytes { controlPointer in
                    var header = msghdr()
                    header.msg_name = UnsafeMutableRawPointer(name)
                    header.msg_namelen = length
                    header.msg_iov = iovPointer
                    header.msg_iovlen = 1
                    header.msg_control = controlPointer.baseAddress
                    header.msg_controllen = controlLength
                    return sendmsg(self.descriptor, &header, Int32(MSG_DONTWAIT)) < 0 ? errno : 0
                }
            }
        }
    }

    /// Receives one packet if one is waiting and passes it to `body`; returns false when none was (EAGAIN) or
    /// on error. `body` gets the ICMP message (the IPv4 header of raw v4 sockets already removed).
    public func receive(_ body: (ReceivedPacket, UnsafeRawBufferPointer) -> Void) -> Bool {
        self.receive(flags: 0, body)
    }

    /// Receives one entry of the socket error queue (datagram sockets: ICMP errors about our probes).
    public func receiveError(_ body: (QueuedICMPError) -> Void) -> Bool {
        var error: QueuedICMPError?
        let got = self.receive(flags: Int32(MSG_ERRQUEUE)) { packet, bytes in
            guard let info = packet.extendedError else { return }
            let kind = ICMPErrorMessage.Kind(family: self.family, type: info.type)
            // The queued payload is the echo request as we sent it.
            let echo = try? ICMPEcho(decoding: bytes, family: self.family, verifyChecksum: false)
            error = QueuedICMPError(
                destination: packet.source, sender: info.offender, kind: kind, type: info.type, code: info.code,
                errno: info.errno, sequence: echo?.sequence, payload: echo?.payload ?? [], kernelTime: packet.kernelTime
            )
        }
        if let error { body(error) }
        return got
    }

    private func receive(flags: Int32, _ body: (ReceivedPacket, UnsafeRawBufferPointer) -> Void) -> Bool {
        var storage = sockaddr_storage()
        var iov = iovec(iov_base: self.receiveBuffer.baseAddress, iov_len: self.receiveBuffer.count)
        var header = msghdr()
        let readStart = WallClock.nanoseconds()
        let count: Int = withUnsafeMutablePointer(to: &storage) { name in
            withUnsafeMutablePointer(to: &iov) { iovPointer in
                header.msg_name = UnsafeMutableRawPointer(name)
                header.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                header.msg_iov = iovPointer
                header.msg_iovlen = 1
                header.msg_control = self.controlBuffer.baseAddress
                header.msg_controllen = self.controlBuffer.count
                return recvmsg(self.descriptor, &header, flags | Int32(MSG_DONTWAIT))
            }
        }
        guard count >= 0 else { return false }
        self.deliver(
            &header, source: storage, data: UnsafeRawBufferPointer(rebasing: self.receiveBuffer[0..<count]),
            isErrorQueue: flags & Int32(MSG_ERRQUEUE) != 0, readStart: readStart, body)
        return true
    }

    /// Packets per `receiveBatch` call.
    public static let batchCapacity = 32
    /// The longest packet `receiveBatch` takes whole (IP header included on raw IPv4 sockets); longer ones are
    /// truncated, so use `receive` when replies may be longer.
    public static let batchSlotBytes = 2_048

    /// Receives up to `batchCapacity` waiting packets with one `recvmmsg` call and passes each to `body`, as
    /// `receive` does. Returns how many were received (fewer than `batchCapacity`: the queue was empty at the
    /// time), or -1 when none were (errno EAGAIN) or on error (errno says which).
    public func receiveBatch(_ body: (ReceivedPacket, UnsafeRawBufferPointer) -> Void) -> Int {
        let batch = self.batch
        for index in 0..<Self.batchCapacity {
            batch.headers[index].msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            batch.headers[index].msg_controllen = ReceiveBatch.controlSlotBytes
            batch.headers[index].msg_flags = 0
        }
        let readStart = WallClock.nanoseconds()
        let received = CNetShims_recvmmsg(
            self.descriptor, batch.headers, batch.lengths, UInt32(Self.batchCapacity), Int32(MSG_DONTWAIT))
        guard received > 0 else { return -1 }
        for index in 0..<Int(received) {
            let data = UnsafeRawBufferPointer(
                start: batch.data + index * Self.batchSlotBytes, count: Int(batch.lengths[index]))
            self.deliver(
                &batch.headers[index], source: batch.names[index], data: data, isErrorQueue: false,
                readStart: readStart, body)
        }
        return Int(received)
    }

    /// Storage for `receiveBatch`, allocated on first use and touched by the receiving thread only.
    private lazy var batch = ReceiveBatch()

    /// Turns one received datagram into a `ReceivedPacket` (control messages, IPv4 header of raw sockets) and
    /// passes it to `body`. `readStart` is the clock read just before the receive call: a packet queued before
    /// it was stamped before it, so a stamp at or after it was made by the read (see
    /// ``ReceivedPacket/stampedAtRead``).
    private func deliver(
        _ header: inout msghdr, source storage: sockaddr_storage, data: UnsafeRawBufferPointer, isErrorQueue: Bool,
        readStart: Int64, _ body: (ReceivedPacket, UnsafeRawBufferPointer) -> Void
    ) {
        var packet = ReceivedPacket(
            source: IPAddress(socketAddress: storage), destination: nil, kernelTime: 0, ttl: nil, extendedError: nil,
            stampedAtRead: false)
        // Control messages: kernel timestamp, destination address, extended error.
        var cmsg = CNetShims_CMSG_FIRSTHDR(&header)
        while let current = cmsg {
            var time = timespec()
            if CNetShims_readTimestampNS(current, &time) == 1 {
                packet.kernelTime = Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
                cmsg = CNetShims_CMSG_NXTHDR(&header, current)
                continue
            }
            var address = [UInt8](repeating: 0, count: 16)
            var interface: Int32 = 0
            if CNetShims_readIPv6PacketInfo(current, &address, &interface) == 1 {
                packet.destination = IPAddress(bytes: address)
            } else if CNetShims_readIPv4PacketInfo(current, &address) == 1 {
                packet.destination = IPAddress(bytes: address.prefix(4))
            } else {
                var errnoValue: UInt32 = 0
                var origin: UInt8 = 0
                var type: UInt8 = 0
                var code: UInt8 = 0
                var family: Int32 = 0
                if CNetShims_readExtendedError(current, &errnoValue, &origin, &type, &code, &address, &family) == 1 {
                    let offender: IPAddress? =
                        family == AF_INET
                        ? IPAddress(bytes: address.prefix(4))
                        : family == AF_INET6 ? IPAddress(bytes: address) : nil
                    packet.extendedError = .init(errno: Int32(errnoValue), type: type, code: code, offender: offender)
                }
            }
            cmsg = CNetShims_CMSG_NXTHDR(&header, current)
        }
        if packet.kernelTime == 0 { packet.kernelTime = WallClock.nanoseconds() }
        if packet.kernelTime >= readStart { packet.stampedAtRead = true }
        var message = data
        if self.family == .v4 && self.mode == .raw && !isErrorQueue {
            // Raw IPv4 sockets deliver the IP header too (read in place: this runs once per reply).
            guard message.count >= 20, message[0] >> 4 == 4 else { return }
            let headerLength = Int(message[0] & 0x0F) * 4
            guard headerLength >= 20, headerLength <= message.count else { return }
            packet.ttl = Int(message[8])
            packet.destination = IPAddress(
                ipv4: UInt32(message[16]) << 24 | UInt32(message[17]) << 16 | UInt32(message[18]) << 8
                    | UInt32(message[19]))
            message = UnsafeRawBufferPointer(rebasing: message[headerLength...])
        }
        body(packet, message)
    }

    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32, _ label: String) throws(ProbeError) {
        try SocketOption.set(self.descriptor, level, name, value, label: label, context: self.socketContext)
    }

    private func failure(_ label: String) -> ProbeError {
        SocketOption.failure(label, context: self.socketContext)
    }

    /// How errors name this socket.
    private var socketContext: String { "ICMP \(self.family.rawValue) \(self.mode.rawValue) socket" }

    /// Closes the descriptor (idempotent).
    public func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        _ = Glibc.close(self.descriptor)
    }
}

/// What the kernel said about one received packet.
public struct ReceivedPacket: Sendable {
    /// Where it came from.
    public var source: IPAddress?
    /// The address it was sent to (raw v4: from the IP header; else with packet info enabled).
    public var destination: IPAddress?
    /// Kernel receive time (SO_TIMESTAMPNS), nanoseconds since the epoch; falls back to the user-space clock.
    public var kernelTime: Int64
    /// TTL of the received packet when known (raw IPv4).
    public var ttl: Int?
    /// The extended error of an error-queue entry.
    public var extendedError: ExtendedError?
    /// The time is when the packet was read, not when it arrived: it came without a kernel timestamp, or with one
    /// made at or after the clock read just before the receive call. Linux turns receive timestamps on for the
    /// whole host through deferred work when the first socket asks, and until then stamps queued packets as they
    /// are read; a packet that arrives during the receive call is flagged too (rare, and its time is right).
    public var stampedAtRead: Bool

    /// `struct sock_extended_err` in Swift.
    public struct ExtendedError: Sendable {
        /// errno the error maps to (EHOSTUNREACH…).
        public var errno: Int32
        /// ICMP type.
        public var type: UInt8
        /// ICMP code.
        public var code: UInt8
        /// The router or host that sent the ICMP error.
        public var offender: IPAddress?
    }
}

/// An ICMP error about one of our probes, read from a datagram socket's error queue.
public struct QueuedICMPError: Sendable {
    /// The destination of the probe that failed.
    public var destination: IPAddress?
    /// Who sent the ICMP error.
    public var sender: IPAddress?
    /// Kind of ICMP error, if it is one of the known kinds.
    public var kind: ICMPErrorMessage.Kind?
    /// ICMP type.
    public var type: UInt8
    /// ICMP code.
    public var code: UInt8
    /// errno the kernel mapped it to.
    public var errno: Int32
    /// Sequence of the failed echo request.
    public var sequence: UInt16?
    /// Payload of the failed echo request.
    public var payload: [UInt8]
    /// When the error arrived.
    public var kernelTime: Int64
}

/// The buffers of `ICMPSocket.receiveBatch`: one recvmsg header, address, data slot and control slot per packet,
/// wired together once.
private final class ReceiveBatch {
    /// Control bytes per packet: a timestamp and packet info fit with room to spare.
    static let controlSlotBytes = 256
    let headers: UnsafeMutablePointer<msghdr>
    let lengths: UnsafeMutablePointer<UInt32>
    let names: UnsafeMutablePointer<sockaddr_storage>
    let vectors: UnsafeMutablePointer<iovec>
    let data: UnsafeMutableRawPointer
    let control: UnsafeMutableRawPointer

    init() {
        let count = ICMPSocket.batchCapacity
        self.headers = .allocate(capacity: count)
        self.lengths = .allocate(capacity: count)
        self.names = .allocate(capacity: count)
        self.vectors = .allocate(capacity: count)
        self.data = .allocate(byteCount: count * ICMPSocket.batchSlotBytes, alignment: 16)
        self.control = .allocate(byteCount: count * Self.controlSlotBytes, alignment: 16)
        for index in 0..<count {
            self.names.advanced(by: index).initialize(to: sockaddr_storage())
            self.lengths.advanced(by: index).initialize(to: 0)
            self.vectors.advanced(by: index).initialize(
                to: iovec(
                    iov_base: self.data + index * ICMPSocket.batchSlotBytes, iov_len: ICMPSocket.batchSlotBytes))
            var header = msghdr()
            header.msg_name = UnsafeMutableRawPointer(self.names.advanced(by: index))
            header.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            header.msg_iov = self.vectors.advanced(by: index)
            header.msg_iovlen = 1
            header.msg_control = self.control + index * Self.controlSlotBytes
            header.msg_controllen = Self.controlSlotBytes
            self.headers.advanced(by: index).initialize(to: header)
        }
    }

    deinit {
        self.headers.deallocate()
        self.lengths.deallocate()
        self.names.deallocate()
        self.vectors.deallocate()
        self.data.deallocate()
        self.control.deallocate()
    }
}
