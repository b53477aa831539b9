import CNetShims
import Foundation
import NetMonitor
import NetworkAddress
import Synchronization

/// A STAMP Session-Sender (RFC 8762 §4.2) for many reflectors at once, on one thread of its own as `ProbeEngine`.
///
/// One connected UDP socket per target (its own port, so each target is one session at a stateful reflector).
/// Packet k of target i leaves at start + k × interval + i × interval / targets; T1 is the clock read right before
/// the send, written into the packet just then (and signed in authenticated mode). Replies are read between sends,
/// and after every 16 sends when the thread is behind schedule, with their kernel receive time (T4); after the last send the sender waits `timeout` for stragglers. The result
/// is one `STAMPSessionRecord` per target.
public final class STAMPSender: Sendable {
    /// What to send.
    public struct Options: Sendable {
        /// Packets per target.
        public var count: Int
        /// Seconds between two packets to the same target.
        public var interval: Double
        /// Seconds to wait for a reply before the packet counts as lost.
        public var timeout: Double
        /// UDP payload octets: the base packet (44, or 112 authenticated) or more, made up with an Extra Padding TLV
        /// (at least 4 octets more).
        public var packetLength: Int
        /// DSCP of the test packets, 0…63.
        public var dscp: Int
        /// The session key of authenticated mode; nil for unauthenticated mode.
        public var key: STAMPKey?
        /// SSID (RFC 8972 §3).
        public var ssid: UInt16
        /// The clock state to claim; nil = the kernel's at the start.
        public var clock: ClockState?

        public init(
            count: Int = 10, interval: Double = 0.1, timeout: Double = 1, packetLength: Int? = nil, dscp: Int = 0,
            key: STAMPKey? = nil, ssid: UInt16 = 0, clock: ClockState? = nil
        ) {
            self.count = count
            self.interval = interval
            self.timeout = timeout
            self.packetLength = packetLength ?? SenderTestPacket.Layout.of(authenticated: key != nil).length
            self.dscp = dscp
            self.key = key
            self.ssid = ssid
            self.clock = clock
        }

        /// Checks every value; the error says which is out of range.
        public func validate() throws(ProbeError) {
            let base = SenderTestPacket.Layout.of(authenticated: self.key != nil).length
            guard self.count >= 1 && self.count <= 1_000_000 else {
                throw ProbeError(.invalidArgument, "--count must be 1…1000000, not \(self.count)")
            }
            guard self.interval.isFinite && self.interval >= 0.000_01 && self.interval <= 3600 else {
                throw ProbeError(.invalidArgument, "--interval must be 10 µs…1 h")
            }
            guard self.timeout.isFinite && self.timeout > 0 && self.timeout <= 60 else {
                throw ProbeError(.invalidArgument, "--timeout must be more than 0 and at most 60 s")
            }
            guard self.packetLength == base || (self.packetLength >= base + 4 && self.packetLength <= 65_000) else {
                throw ProbeError(
                    .invalidArgument,
                    "--size must be \(base) (the base packet) or \(base + 4)…65000 (padding is a TLV of 4 octets or more), not \(self.packetLength)"
                )
            }
            guard (0...63).contains(self.dscp) else {
                throw ProbeError(.invalidArgument, "--dscp must be 0…63, not \(self.dscp)")
            }
        }
    }

    /// The reflectors, in the order of the records.
    public let targets: [STAMPEndpoint]
    /// The options it runs with.
    public let options: Options
    private let sockets: [STAMPSocket]
    private let wakeDescriptor: Int32
    private let stopped = Atomic<Bool>(false)

    /// Opens and connects one socket per target.
    public init(targets: [STAMPEndpoint], options: Options) throws(ProbeError) {
        try options.validate()
        var sockets: [STAMPSocket] = []
        for target in targets {
            let socket = try STAMPSocket.open(family: target.address.family)
            if options.dscp != 0 { try socket.setTrafficClass(options.dscp << 2) }
            try socket.connect(target)
            sockets.append(socket)
        }
        let wake = CNetShims_eventfd()
        guard wake >= 0 else { throw ProbeError(.socketFailed, "eventfd failed", errno: errno) }
        self.targets = targets
        self.options = options
        self.sockets = sockets
        self.wakeDescriptor = wake
    }

    deinit {
        for socket in self.sockets { socket.close() }
        close(self.wakeDescriptor)
    }

    /// Ends the session early: no more sends, no more waiting (the records keep what came so far).
    public func stop() {
        self.stopped.store(true, ordering: .relaxed)
        var one: UInt64 = 1
        _ = write(self.wakeDescriptor, &one, 8)
    }

    /// Runs the session on a thread of its own and returns one record per target.
    public func run() async -> [STAMPSessionRecord] {
        await withCheckedContinuation { (continuation: CheckedContinuation<[STAMPSessionRecord], Never>) in
            let thread = Thread { [self] in continuation.resume(returning: self.runBlocking()) }
            thread.name = "netmon-stamp-sender"
            thread.start()
        }
    }

    /// The session on the calling thread (blocking).
    public func runBlocking() -> [STAMPSessionRecord] {
        _ = CNetShims_setTimerSlack(1_000)
        let options = self.options
        let clock = options.clock ?? ClockState.current()
        let estimate = clock.errorEstimate
        let targetCount = self.targets.count
        let interval = Int64((options.interval * 1e9).rounded())
        let timeout = Int64((options.timeout * 1e9).rounded())
        let baseLength = SenderTestPacket.Layout.of(authenticated: options.key != nil).length
        let layout = SenderTestPacket.Layout.of(authenticated: options.key != nil)
        let padding: [STAMPTLV] =
            options.packetLength > baseLength ? [.extraPadding(totalLength: options.packetLength - baseLength)] : []
        var records = self.targets.map { _ in
            STAMPSessionRecord(
                sendTimes: [Int64?](repeating: nil, count: options.count), senderErrorEstimate: estimate, replies: [],
                timeout: timeout)
        }
        // The packet of each target, built once; sequence, timestamp and HMAC are written per send.
        var templates = self.targets.map { _ in
            SenderTestPacket(
                sequence: 0, timestamp: PacketTimestamp(rawValue: 0), errorEstimate: estimate, ssid: options.ssid,
                tlvs: padding
            ).encoded(key: options.key)
        }
        var descriptors = self.sockets.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        descriptors.append(pollfd(fd: self.wakeDescriptor, events: Int16(POLLIN), revents: 0))
        let start = WallClock.nanoseconds() + 1_000_000
        var nextPacket = 0
        let totalPackets = options.count * targetCount
        var lastSend = start
        var sendsSinceRead = 0
        while !self.stopped.load(ordering: .relaxed) {
            let now = WallClock.nanoseconds()
            let due: Int64
            if nextPacket < totalPackets {
                let round = Int64(nextPacket / targetCount)
                let target = Int64(nextPacket % targetCount)
                due = start + round * interval + target * interval / Int64(targetCount)
            } else {
                due = lastSend + timeout
                if now >= due { break }
            }
            if now >= due, nextPacket < totalPackets {
                let target = nextPacket % targetCount
                let sequence = nextPacket / targetCount
                let sendTime = templates[target].withUnsafeMutableBytes { raw -> (Int64, Int32) in
                    WireBytes.store(UInt32(sequence), raw, at: layout.sequence)
                    let time = WallClock.nanoseconds()
                    WireBytes.store(PacketTimestamp(unixNanoseconds: time).rawValue, raw, at: layout.timestamp)
                    if let key = options.key, let offset = layout.hmac { key.sign(raw, hmacOffset: offset) }
                    return (time, self.sockets[target].send(UnsafeRawBufferPointer(raw)))
                }
                if sendTime.1 == 0 {
                    records[target].sendTimes[sequence] = sendTime.0
                } else {
                    records[target].errors[String(cString: strerror(sendTime.1)), default: 0] += 1
                }
                lastSend = sendTime.0
                nextPacket += 1
                // Behind schedule the loop sends back to back: read what came every 16 sends all the same, so the
                // sockets' receive queues never overflow (kernel T4 keeps late reads exact).
                sendsSinceRead += 1
                if sendsSinceRead < 16 { continue }
            }
            sendsSinceRead = 0
            let wait = now >= due ? 0 : due - now
            let ready = descriptors.withUnsafeMutableBufferPointer {
                CNetShims_ppoll($0.baseAddress, UInt($0.count), wait)
            }
            guard ready > 0 else { continue }
            for index in 0..<targetCount where descriptors[index].revents != 0 {
                self.drain(index, into: &records[index], key: options.key)
            }
        }
        return records
    }

    /// Reads every waiting reply of target `index`.
    private func drain(_ index: Int, into record: inout STAMPSessionRecord, key: STAMPKey?) {
        let socket = self.sockets[index]
        for _ in 0..<1_024 {
            let status = socket.receive { datagram in
                guard let reply = try? ReflectorTestPacket(decoding: datagram.bytes, key: key) else {
                    record.foreign += 1
                    return
                }
                let sequence = Int(reply.senderSequence)
                guard sequence < record.sendTimes.count, let sent = record.sendTimes[sequence],
                    reply.senderTimestamp == PacketTimestamp(unixNanoseconds: sent)
                else {
                    record.foreign += 1
                    return
                }
                let format = reply.errorEstimate.timestampFormat
                record.replies.append(
                    STAMPSessionRecord.Reply(
                        senderSequence: reply.senderSequence, reflectorSequence: reply.sequence,
                        reflectorReceiveTime: reply.receiveTimestamp.unixNanoseconds(format: format),
                        reflectorSendTime: reply.timestamp.unixNanoseconds(format: format),
                        receiveTime: datagram.kernelTime, reflectorErrorEstimate: reply.errorEstimate,
                        senderTTL: reply.senderTTL))
            }
            if status == EAGAIN || status == EWOULDBLOCK { return }
            if status != 0 {
                let message = status == ECONNREFUSED ? "port unreachable" : String(cString: strerror(status))
                record.errors[message, default: 0] += 1
            }
        }
    }
}
