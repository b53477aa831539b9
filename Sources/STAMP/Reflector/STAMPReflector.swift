import CNetShims
import Foundation
import NetMonitor
import NetworkAddress
import Synchronization

/// A STAMP Session-Reflector (RFC 8762 §4.3) on one thread of its own, never on Swift's cooperative pool.
///
/// Each Session-Sender test packet is answered with a Session-Reflector test packet of the same length: the
/// sender's sequence, timestamp, error estimate and TTL echoed; the kernel receive time as Receive Timestamp (T2);
/// the clock read right before the send as Timestamp (T3); the Sequence Number copied from the sender (stateless)
/// or counted per session (stateful, `ReflectorSessions`). TLVs after the base packet (RFC 8972) come back as they
/// came, with the U flag set on types this reflector does not know and the M flag on one that runs past the packet.
/// The reply leaves from the address the request was sent to, with the request's DSCP. Packets that do not decode
/// (short, wrong HMAC, zero error multiplier) are dropped and counted, as RFC 8762 §4.6 asks.
public final class STAMPReflector: Sendable {
    /// How the reflector numbers its packets.
    public enum Mode: String, Sendable, Hashable {
        /// Sequence Number = the sender's (RFC 8762 §4.3.1).
        case stateless
        /// Sequence Number = the session's own counter (RFC 8762 §4.3.2).
        case stateful
    }

    /// Where and how to reflect.
    public struct Configuration: Sendable {
        /// Addresses and ports to listen on.
        public var listen: [STAMPEndpoint]
        /// Stateless or stateful.
        public var mode: Mode
        /// The session key of authenticated mode; nil for unauthenticated mode.
        public var key: STAMPKey?
        /// The clock state to claim; nil = read the kernel's (`ClockState.current()`) once a second.
        public var clock: ClockState?

        public init(listen: [STAMPEndpoint], mode: Mode = .stateless, key: STAMPKey? = nil, clock: ClockState? = nil) {
            self.listen = listen
            self.mode = mode
            self.key = key
            self.clock = clock
        }
    }

    /// What the reflector has done so far.
    public struct Counters: Sendable, Hashable {
        /// Datagrams received.
        public var received = 0
        /// Test packets answered.
        public var reflected = 0
        /// Dropped: shorter than the base packet.
        public var truncated = 0
        /// Dropped: the HMAC did not verify.
        public var badHMAC = 0
        /// Dropped: another decoding error (zero error multiplier).
        public var malformed = 0
        /// Answers the kernel refused to send.
        public var sendErrors = 0
        /// Stateful sessions kept now.
        public var sessions = 0

        public init() {}
    }

    /// The configuration it runs with.
    public let configuration: Configuration
    /// The bound endpoints (with the kernel's port where 0 was asked for), in `listen` order.
    public let endpoints: [STAMPEndpoint]
    private let sockets: [STAMPSocket]
    private let wakeDescriptor: Int32
    private let counters = Mutex(Counters())
    private let state = Mutex<(running: Bool, stopped: Bool)>((false, false))
    private let finished = DispatchSemaphore(value: 0)

    /// Opens and binds one socket per listen endpoint.
    /// - Throws: `ProbeError` when a socket cannot be opened or bound (a port below 1024 without
    ///   CAP_NET_BIND_SERVICE says so).
    public init(configuration: Configuration) throws(ProbeError) {
        guard !configuration.listen.isEmpty else {
            throw ProbeError(.invalidArgument, "give at least one address to listen on")
        }
        var sockets: [STAMPSocket] = []
        var endpoints: [STAMPEndpoint] = []
        for endpoint in configuration.listen {
            let socket = try STAMPSocket.open(family: endpoint.address.family)
            try socket.bind(endpoint)
            sockets.append(socket)
            endpoints.append(socket.localEndpoint ?? endpoint)
        }
        let wake = CNetShims_eventfd()
        guard wake >= 0 else {
            throw ProbeError(.socketFailed, "eventfd failed", errno: errno)
        }
        self.configuration = configuration
        self.sockets = sockets
        self.endpoints = endpoints
        self.wakeDescriptor = wake
    }

    deinit {
        for socket in self.sockets { socket.close() }
        close(self.wakeDescriptor)
    }

    /// A copy of the counters.
    public var snapshot: Counters { self.counters.withLock { $0 } }

    /// Starts the reflecting thread (once).
    public func start() {
        let first = self.state.withLock { state in
            defer { state.running = true }
            return !state.running
        }
        guard first else { return }
        let thread = Thread { [self] in
            self.loop()
            self.finished.signal()
        }
        thread.name = "netmon-stamp-reflector"
        thread.start()
    }

    /// Stops the thread and waits for it (idempotent; sockets close on deinit).
    public func stop() {
        let wasRunning = self.state.withLock { state in
            defer { state.stopped = true }
            return state.running && !state.stopped
        }
        var one: UInt64 = 1
        _ = write(self.wakeDescriptor, &one, 8)
        if wasRunning { self.finished.wait() }
    }

    /// Waits until `stop()` ends the thread.
    public func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.finished.wait()
                self.finished.signal()
                continuation.resume()
            }
        }
    }

    private func loop() {
        var sessions = ReflectorSessions()
        var worker = ReflectorWorker(configuration: self.configuration)
        var clockReadAt: Int64 = 0
        var descriptors = self.sockets.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        descriptors.append(pollfd(fd: self.wakeDescriptor, events: Int16(POLLIN), revents: 0))
        while true {
            let ready = descriptors.withUnsafeMutableBufferPointer {
                CNetShims_ppoll($0.baseAddress, UInt($0.count), 1_000_000_000)
            }
            if descriptors[descriptors.count - 1].revents != 0 { return }
            let now = WallClock.nanoseconds()
            if self.configuration.clock == nil && now - clockReadAt >= 1_000_000_000 {
                let clock = ClockState.current()
                if clock != worker.clock { worker.clock = clock }
                clockReadAt = now
            }
            if ready <= 0 {
                sessions.expire(now: now)
                continue
            }
            var delta = Counters()
            for (index, socket) in self.sockets.enumerated() where descriptors[index].revents != 0 {
                // Drain what is waiting, a bounded number per wake so one busy socket cannot starve the others.
                for _ in 0..<256 {
                    let status = socket.receive { datagram in
                        delta.received += 1
                        worker.reflect(datagram, on: socket, sessions: &sessions, counters: &delta)
                    }
                    if status != 0 { break }
                }
            }
            delta.sessions = sessions.count
            self.counters.withLock { total in
                total.received += delta.received
                total.reflected += delta.reflected
                total.truncated += delta.truncated
                total.badHMAC += delta.badHMAC
                total.malformed += delta.malformed
                total.sendErrors += delta.sendErrors
                total.sessions = delta.sessions
            }
        }
    }
}

/// The per-packet work of the reflecting thread: decode, number, build the answer in a reused buffer, send.
struct ReflectorWorker {
    let mode: STAMPReflector.Mode
    let key: STAMPKey?
    let wildcard: Bool
    /// The clock state to claim; its Error Estimate is encoded once per change, not per packet.
    var clock: ClockState {
        didSet { self.estimate = self.clock.errorEstimate }
    }
    private var estimate: ErrorEstimate
    private var reply: [UInt8]

    init(configuration: STAMPReflector.Configuration) {
        self.mode = configuration.mode
        self.key = configuration.key
        self.wildcard = configuration.listen.contains { $0.isWildcard }
        let clock = configuration.clock ?? ClockState.current()
        self.clock = clock
        self.estimate = clock.errorEstimate
        self.reply = [UInt8](repeating: 0, count: 65_536)
    }

    mutating func reflect(
        _ datagram: STAMPSocket.Datagram, on socket: STAMPSocket, sessions: inout ReflectorSessions,
        counters: inout STAMPReflector.Counters
    ) {
        let request: SenderTestPacket
        do {
            request = try SenderTestPacket(decoding: datagram.bytes, key: self.key, includingTLVs: false)
        } catch {
            switch error.code {
            case .truncated: counters.truncated += 1
            case .badHMAC: counters.badHMAC += 1
            default: counters.malformed += 1
            }
            return
        }
        guard let source = datagram.source else { return }
        let sequence =
            self.mode == .stateful
            ? sessions.nextSequence(
                for: ReflectorSessions.Key(sender: source, ssid: request.ssid), now: datagram.kernelTime)
            : request.sequence
        let baseLength = SenderTestPacket.Layout.of(authenticated: self.key != nil).length
        let length = datagram.bytes.count
        let estimate = self.estimate
        let key = self.key
        let status = self.reply.withUnsafeMutableBytes { raw -> Int32 in
            // The base packet, zeroed, then the sender's TLVs as they came, flagged where needed.
            for index in 0..<baseLength { raw[index] = 0 }
            if length > baseLength {
                UnsafeMutableRawBufferPointer(rebasing: raw[baseLength..<length]).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: datagram.bytes[baseLength..<length]))
                Self.flagTLVs(raw, from: baseLength, to: length)
            }
            var answer = ReflectorTestPacket(
                sequence: sequence, timestamp: PacketTimestamp(rawValue: 0), errorEstimate: estimate,
                ssid: request.ssid, receiveTimestamp: PacketTimestamp(unixNanoseconds: datagram.kernelTime),
                senderSequence: request.sequence, senderTimestamp: request.timestamp,
                senderErrorEstimate: request.errorEstimate, senderTTL: UInt8(clamping: datagram.ttl ?? 255))
            // T3: as late as possible, right before the HMAC and the send.
            answer.timestamp = PacketTimestamp(unixNanoseconds: WallClock.nanoseconds())
            answer.encodeBase(into: raw, key: key)
            return socket.send(
                UnsafeRawBufferPointer(rebasing: raw[0..<length]), to: source,
                from: self.wildcard ? datagram.destination : nil, trafficClass: datagram.trafficClass.map { $0 & 0xFC })
        }
        if status == 0 { counters.reflected += 1 } else { counters.sendErrors += 1 }
    }

    /// Walks the TLVs in `raw[start..<end]`: sets U on types other than Extra Padding and M on a TLV that runs past
    /// the end (and stops there).
    static func flagTLVs(_ raw: UnsafeMutableRawBufferPointer, from start: Int, to end: Int) {
        var offset = start
        while offset < end {
            guard end - offset >= STAMPTLV.headerLength else { return }
            let length = Int(raw[offset + 2]) << 8 | Int(raw[offset + 3])
            if end - offset - STAMPTLV.headerLength < length {
                raw[offset] |= STAMPTLV.malformedFlag
                return
            }
            if raw[offset + 1] != STAMPTLV.extraPaddingType { raw[offset] |= STAMPTLV.unrecognizedFlag }
            offset += STAMPTLV.headerLength + length
        }
    }
}
