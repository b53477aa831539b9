import CNetShims
import NetMonitor
import NetworkAddress
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A user-space ICMP echo responder that answers after a configurable delay with jitter, standing in for netem
/// (absent from this kernel). Run it inside the target network namespace with the kernel's own echo replies off.
///
/// It listens on raw ICMP and ICMPv6 sockets for echo requests, stamps each with the kernel receive time, and
/// sends the reply from the address that was pinged at receive time + drawn delay. All work happens on the thread
/// that calls `run()` (a thread of its own: it blocks in `ppoll`). `stop()` may be called from any thread.
// @unchecked Sendable: the sockets are used by the run() thread only; stop() only writes an eventfd.
public final class DelayResponder: @unchecked Sendable {
    /// What the responder does.
    public struct Configuration: Sendable, Hashable {
        /// Delay and jitter.
        public var model: DelayModel
        /// Seed of the jitter generator (same seed, same delays).
        public var seed: UInt64
        /// Families to answer.
        public var families: [IPFamily]
        /// Turn the kernel's echo replies off in this namespace first.
        public var disableKernelEcho: Bool
        /// Run the reply thread at SCHED_FIFO priority when allowed (root), so a busy machine delays replies less.
        public var realtime: Bool
        /// A lab state file (`LabState`): requests from a commune subnet listed there get that commune's delay and
        /// jitter instead of `model`; the file is re-read when it changes.
        public var labStatePath: String?

        /// Creates a configuration.
        public init(
            model: DelayModel, seed: UInt64 = 1, families: [IPFamily] = [.v4, .v6], disableKernelEcho: Bool = true,
            realtime: Bool = true, labStatePath: String? = nil
        ) {
            self.model = model
            self.seed = seed
            self.families = families
            self.disableKernelEcho = disableKernelEcho
            self.realtime = realtime
            self.labStatePath = labStatePath
        }
    }

    private struct PendingReply {
        var due: Int64
        var order: Int
        var socketIndex: Int
        var bytes: [UInt8]
        var destination: IPAddress
        var source: IPAddress?
    }

    /// The configuration.
    public let configuration: Configuration
    private let sockets: [ICMPSocket]
    private let stopEvent: Int32
    private let answeredCount = Atomic<Int>(0)

    private let isRealtimeFlag = Atomic<Bool>(false)

    /// Whether the reply thread got real-time priority.
    public var isRealtime: Bool { self.isRealtimeFlag.load(ordering: .relaxed) }

    /// Replies sent so far.
    public var answered: Int { self.answeredCount.load(ordering: .relaxed) }

    /// Opens the raw sockets (and turns kernel echo off when asked).
    /// - Throws: `LabError` when not permitted (root or CAP_NET_RAW needed) or a setting cannot be written.
    public init(configuration: Configuration) throws(LabError) {
        self.configuration = configuration
        if configuration.disableKernelEcho { try KernelEcho.setIgnoreAll(true) }
        var sockets: [ICMPSocket] = []
        for family in configuration.families {
            do {
                let socket = try ICMPSocket.open(family: family, preference: .raw)
                try socket.receiveEchoRequestsOnly()
                try socket.enablePacketInfo()
                sockets.append(socket)
            } catch {
                throw LabError(.socketFailed, error.message, context: "responder \(family.rawValue) raw socket")
            }
        }
        self.sockets = sockets
        self.stopEvent = CNetShims_eventfd()
    }

    deinit {
        close(self.stopEvent)
    }

    /// Makes `run()` return soon (safe from any thread).
    public func stop() {
        var one: UInt64 = 1
        _ = write(self.stopEvent, &one, 8)
    }

    /// Answers echo requests until `stop()`. Blocks the calling thread: call it on a thread of its own.
    public func run() {
        if self.configuration.realtime {
            self.isRealtimeFlag.store(CNetShims_setRealtimePriority(20) == 0, ordering: .relaxed)
        }
        // Wake-ups within a microsecond of the deadline rather than the default 50 µs slack.
        _ = CNetShims_setTimerSlack(1_000)
        var generator = SplitMix64(seed: self.configuration.seed)
        var pending = MinHeap<PendingReply> { ($0.due, $0.order) < ($1.due, $1.order) }
        var order = 0
        var paths = self.configuration.labStatePath.map { PathDelays(path: $0) }
        var pollSet = self.sockets.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        pollSet.append(pollfd(fd: self.stopEvent, events: Int16(POLLIN), revents: 0))
        let spin: Int64 = 200_000  // last 200 µs before a deadline are spun, not slept

        while true {
            var timeout: Int64 = paths == nil ? 1_000_000_000 : 100_000_000
            paths?.reload()
            if let next = pending.first {
                timeout = max(0, next.due - WallClock.nanoseconds() - spin)
            }
            let ready = CNetShims_ppoll(&pollSet, UInt(pollSet.count), timeout)
            if ready < 0 && errno != EINTR { return }
            if pollSet[pollSet.count - 1].revents != 0 { return }
            for index in self.sockets.indices where pollSet[index].revents != 0 {
                let socket = self.sockets[index]
                while socket.receive({ packet, bytes in
                    guard
                        let request = try? ICMPEcho(
                            decoding: bytes, family: socket.family, verifyChecksum: socket.family == .v4),
                        request.kind == .request, let destination = packet.source
                    else { return }
                    let reply = ICMPEcho(
                        family: socket.family, kind: .reply, identifier: request.identifier,
                        sequence: request.sequence, payload: request.payload)
                    let model = paths?.model(for: destination) ?? self.configuration.model
                    let delay = model.draw(using: &generator)
                    pending.insert(
                        PendingReply(
                            due: packet.kernelTime + Int64((delay * 1e9).rounded()), order: order, socketIndex: index,
                            bytes: reply.encoded(), destination: destination, source: packet.destination))
                    order += 1
                }) {}
            }
            // Send everything due, spinning through the last stretch for precision.
            while let next = pending.first, next.due - WallClock.nanoseconds() <= spin {
                while WallClock.nanoseconds() < next.due {}
                let reply = pending.removeFirst()!
                let socket = self.sockets[reply.socketIndex]
                reply.bytes.withUnsafeBytes { bytes in
                    if let source = reply.source {
                        _ = socket.send(bytes, to: reply.destination, from: source)
                    } else {
                        _ = socket.send(bytes, to: reply.destination)
                    }
                }
                self.answeredCount.add(1, ordering: .relaxed)
            }
        }
    }
}
