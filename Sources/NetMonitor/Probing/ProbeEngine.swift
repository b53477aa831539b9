import CNetShims
import Foundation
import Synchronization

/// Probes many targets at once over one ICMP socket per family (plus one TCP socket per TCP probe in flight),
/// on fping's schedule (`ProbeScheduler`).
///
/// Two threads of its own, none from Swift's cooperative pool:
/// - the sender sleeps until each planned time (absolute, 1 µs timer slack), reads the clock, records the probe
///   and calls `sendto` at once;
/// - the receiver blocks in `ppoll` on the sockets, matches replies (kernel SO_TIMESTAMPNS receive times, the
///   same CLOCK_REALTIME the sender reads), finishes TCP connects and expires probes at their timeout.
/// They share the ledgers under one mutex. Events go out through `events` (an `AsyncStream` that finishes when
/// the run ends or `stop()` is called); `snapshot()` gives the per-target reports at any time.
public final class ProbeEngine: Sendable {
    /// The targets, in the order of `TargetReport`s and event target indices.
    public let endpoints: [ProbeEndpoint]
    /// Schedule and packet settings.
    public let options: ProbeOptions
    /// The stream of events (replies, losses, errors); finishes at the end of the run.
    public let events: AsyncStream<ProbeEvent>

    private let continuation: AsyncStream<ProbeEvent>.Continuation
    private let emitsEvents: Bool
    private let sockets: [IPFamily: ICMPSocket]
    private let addressIndex: [IPAddress: Int]
    private let identifier: UInt16
    private let payload: ProbePayload
    private let state: Mutex<State>
    private let isStopped = Atomic<Bool>(false)
    private let hasStarted = Atomic<Bool>(false)
    private let wakeReceiver: Int32
    private let wakeSender: Int32
    private let finished = Mutex<[CheckedContinuation<Void, Never>]?>([])

    private struct InFlightConnect {
        var target: Int
        var probe: Int
        var connect: TCPConnectProbe
        var deadline: Int64
    }

    private struct State {
        var ledgers: [ProbeLedger]
        var errors: [[String: Int]]
        var expiries: [(deadline: Int64, target: Int, probe: Int)] = []
        var expiryHead = 0
        var connects: [InFlightConnect] = []
        var senderDone = false
        var lateness: [Double] = []
        var firstSend: Int64?
        var lastSend: Int64?
        var sends = 0
    }

    /// Opens the sockets the targets need and prepares the run (nothing is sent before `start()`).
    /// - Parameters:
    ///   - emitsEvents: stream per-probe events (for live output); off, `events` only finishes at the end.
    /// - Throws: `ProbeError.permissionDenied` with the one sentence to act on when no ICMP socket may be
    ///   opened; `.invalidArgument` for bad options or two ICMP targets with the same address.
    public init(endpoints: [ProbeEndpoint], options: ProbeOptions, emitsEvents: Bool = true) throws(ProbeError) {
        try options.validate()
        self.endpoints = endpoints
        self.options = options
        self.emitsEvents = emitsEvents
        var index: [IPAddress: Int] = [:]
        var families = Set<IPFamily>()
        for (position, endpoint) in endpoints.enumerated() where endpoint.method == .icmp {
            if let previous = index[endpoint.address] {
                throw ProbeError(
                    .invalidArgument,
                    "targets \(endpoints[previous].label) and \(endpoint.label) are the same address \(endpoint.address); list it once."
                )
            }
            index[endpoint.address] = position
            families.insert(endpoint.address.family)
        }
        self.addressIndex = index
        var sockets: [IPFamily: ICMPSocket] = [:]
        for family in families.sorted(by: { $0.rawValue < $1.rawValue }) {
            let socket = try ICMPSocket.open(family: family, preference: options.socketPreference)
            if let ttl = options.ttl { try socket.setTTL(ttl) }
            if let tos = options.tos { try socket.setTOS(tos) }
            sockets[family] = socket
        }
        self.sockets = sockets
        var generator = SystemRandomNumberGenerator()
        self.identifier = UInt16.random(in: 1...UInt16.max, using: &generator)
        self.payload = ProbePayload(nonce: generator.next())
        self.state = Mutex(
            State(
                ledgers: Array(repeating: ProbeLedger(), count: endpoints.count),
                errors: Array(repeating: [:], count: endpoints.count)))
        self.wakeReceiver = CNetShims_eventfd()
        self.wakeSender = CNetShims_eventfd()
        (self.events, self.continuation) = AsyncStream.makeStream(of: ProbeEvent.self)
    }

    deinit {
        close(self.wakeReceiver)
        close(self.wakeSender)
    }

    /// How each family's ICMP socket was opened (datagram or raw).
    public var socketModes: [IPFamily: ICMPSocket.Mode] { self.sockets.mapValues(\.mode) }

    /// Starts the sender and receiver threads (once).
    public func start() {
        guard !self.hasStarted.exchange(true, ordering: .relaxed) else { return }
        let receiver = Thread { [self] in self.receiveLoop() }
        receiver.name = "netmon-probe-receive"
        receiver.start()
        let sender = Thread { [self] in self.sendLoop() }
        sender.name = "netmon-probe-send"
        sender.start()
    }

    /// Starts (if needed) and waits until the run ends or is stopped.
    public func run() async {
        self.start()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = self.finished.withLock { waiting -> Bool in
                guard waiting != nil else { return true }
                waiting!.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Stops sending and receiving soon (safe from any thread, e.g. a SIGINT handler). Probes still in flight
    /// are left out of the counts.
    public func stop() {
        self.isStopped.store(true, ordering: .relaxed)
        Self.wake(self.wakeSender)
        Self.wake(self.wakeReceiver)
    }

    /// Reports for every target as of now.
    public func snapshot() -> [TargetReport] {
        self.state.withLock { state in
            self.endpoints.indices.map { index in
                let ledger = state.ledgers[index]
                return TargetReport(
                    endpoint: self.endpoints[index], counts: ledger.counts, rttsInSendOrder: ledger.rttsInSendOrder,
                    errors: state.errors[index], inFlight: ledger.pendingCount)
            }
        }
    }

    /// How closely the sender kept to its plan so far.
    public func scheduleReport() -> ScheduleReport {
        self.state.withLock { state in
            let duration =
                (state.firstSend != nil && state.lastSend != nil)
                ? Double(state.lastSend! - state.firstSend!) / 1e9 : 0
            return ScheduleReport(sends: state.sends, duration: duration, lateness: SampleSummary(state.lateness))
        }
    }

    // MARK: - Sender

    private func sendLoop() {
        _ = CNetShims_setTimerSlack(1_000)
        let start = WallClock.nanoseconds() + 1_000_000
        var scheduler = ProbeScheduler(
            targetCount: self.endpoints.count, count: self.options.count, period: self.options.period,
            interval: self.options.interval, start: start)
        let length = ICMPEcho.headerLength + self.options.payloadSize
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(length, 1), alignment: 8)
        defer { buffer.deallocate() }
        let addresses = self.endpoints.map { $0.address.socketAddress() }
        var sentCount = Array(repeating: 0, count: self.endpoints.count)
        var pollSet = [pollfd(fd: self.wakeSender, events: Int16(POLLIN), revents: 0)]

        while !self.isStopped.load(ordering: .relaxed), let (target, planned) = scheduler.next() {
            // Sleep until the planned time; a stop() wakes the poll at once.
            let wait = planned - WallClock.nanoseconds()
            if wait > 0 {
                _ = CNetShims_ppoll(&pollSet, 1, wait)
                if self.isStopped.load(ordering: .relaxed) { break }
                while WallClock.nanoseconds() < planned {}
            }
            let endpoint = self.endpoints[target]
            let probe = sentCount[target]
            sentCount[target] += 1
            switch endpoint.method {
            case .icmp:
                let family = endpoint.address.family
                guard let socket = self.sockets[family] else { continue }
                let packet = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length])
                self.writeEchoRequest(into: packet, family: family, probe: probe)
                // Record the probe first (a loopback reply can be back before sendto returns), then read the
                // clock as the very last thing before sendto and confirm that time as the send time.
                self.state.withLock { state in
                    let provisional = WallClock.nanoseconds()
                    state.ledgers[target].recordSend(at: provisional)
                    state.expiries.append((provisional + Int64(self.options.timeout * 1e9), target, probe))
                }
                let sentAt = WallClock.nanoseconds()
                let failure = socket.send(UnsafeRawBufferPointer(packet), to: addresses[target])
                self.state.withLock { state in
                    state.ledgers[target].confirmSendTime(of: probe, at: sentAt)
                    self.noteSend(&state, planned: planned, actual: sentAt)
                }
                if failure != 0 {
                    let message = "send failed: \(String(cString: strerror(failure)))"
                    self.state.withLock { state in
                        state.ledgers[target].markLost(probe)
                        state.errors[target][message, default: 0] += 1
                    }
                    self.emit(.error(target: target, probe: probe, message: message))
                }
            case .tcp(let port):
                do {
                    let connect = try TCPConnectProbe.start(
                        to: endpoint.address, port: port, ttl: self.options.ttl, tos: self.options.tos)
                    var event: ProbeEvent?
                    self.state.withLock { state in
                        state.ledgers[target].recordSend(at: connect.startTime)
                        self.noteSend(&state, planned: planned, actual: connect.startTime)
                        let deadline = connect.startTime + Int64(self.options.timeout * 1e9)
                        state.expiries.append((deadline, target, probe))
                        if let (time, code) = connect.immediateResult {
                            event = self.finishConnect(&state, target: target, probe: probe, time: time, errno: code)
                            connect.close()
                        } else {
                            state.connects.append(
                                InFlightConnect(target: target, probe: probe, connect: connect, deadline: deadline))
                        }
                    }
                    if let event { self.emit(event) }
                    Self.wake(self.wakeReceiver)
                } catch {
                    self.state.withLock { state in
                        let probe = state.ledgers[target].recordSend(at: WallClock.nanoseconds())
                        state.ledgers[target].markLost(probe)
                        state.errors[target][error.message, default: 0] += 1
                    }
                    self.emit(.error(target: target, probe: probe, message: error.message))
                }
            }
        }
        self.state.withLock { $0.senderDone = true }
        Self.wake(self.wakeReceiver)
    }

    private func noteSend(_ state: inout State, planned: Int64, actual: Int64) {
        state.sends += 1
        if state.firstSend == nil { state.firstSend = actual }
        state.lastSend = actual
        if state.lateness.count < 2_000_000 { state.lateness.append(Double(actual - planned) / 1e9) }
    }

    private func writeEchoRequest(into packet: UnsafeMutableRawBufferPointer, family: IPFamily, probe: Int) {
        let sequence = UInt16(truncatingIfNeeded: probe)
        packet[0] = family == .v4 ? 8 : 128
        packet[1] = 0
        packet[2] = 0
        packet[3] = 0
        packet[4] = UInt8(truncatingIfNeeded: self.identifier >> 8)
        packet[5] = UInt8(truncatingIfNeeded: self.identifier)
        packet[6] = UInt8(truncatingIfNeeded: sequence >> 8)
        packet[7] = UInt8(truncatingIfNeeded: sequence)
        self.payload.write(
            probe: probe, into: UnsafeMutableRawBufferPointer(rebasing: packet[ICMPEcho.headerLength...]))
        if family == .v4 {
            var checksum = InternetChecksum()
            checksum.add(UnsafeRawBufferPointer(packet))
            let value = checksum.value
            packet[2] = UInt8(truncatingIfNeeded: value >> 8)
            packet[3] = UInt8(truncatingIfNeeded: value)
        }
        // ICMPv6: the kernel computes the checksum over its pseudo-header on both raw and datagram sockets.
    }

    // MARK: - Receiver

    private func receiveLoop() {
        let icmpSockets = self.sockets.values.sorted { $0.family.rawValue < $1.family.rawValue }
        var pollSet: [pollfd] = []
        var connectsPolled: [InFlightConnect] = []
        defer {
            self.state.withLock { state in
                for inFlight in state.connects { inFlight.connect.close() }
                state.connects.removeAll()
            }
            self.continuation.finish()
            let waiting = self.finished.withLock { waiting -> [CheckedContinuation<Void, Never>] in
                let list = waiting ?? []
                waiting = nil
                return list
            }
            for continuation in waiting { continuation.resume() }
        }

        while !self.isStopped.load(ordering: .relaxed) {
            // What to wait for, and until when.
            let (done, nextDeadline, connects) = self.state.withLock { state -> (Bool, Int64?, [InFlightConnect]) in
                let pending = state.expiryHead < state.expiries.count
                let deadline = pending ? state.expiries[state.expiryHead].deadline : nil
                let allSettled =
                    state.senderDone && state.connects.isEmpty
                    && (!pending || state.ledgers.allSatisfy { $0.pendingCount == 0 })
                return (allSettled, deadline, state.connects)
            }
            if done { return }
            connectsPolled = connects
            pollSet.removeAll(keepingCapacity: true)
            for socket in icmpSockets {
                pollSet.append(pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0))
            }
            pollSet.append(pollfd(fd: self.wakeReceiver, events: Int16(POLLIN), revents: 0))
            for inFlight in connectsPolled {
                pollSet.append(pollfd(fd: inFlight.connect.descriptor, events: Int16(POLLOUT), revents: 0))
            }
            let timeout = nextDeadline.map { max(0, $0 - WallClock.nanoseconds()) } ?? -1
            let ready = CNetShims_ppoll(&pollSet, UInt(pollSet.count), timeout)
            if self.isStopped.load(ordering: .relaxed) { return }
            if ready > 0 {
                for (index, socket) in icmpSockets.enumerated() where pollSet[index].revents != 0 {
                    if pollSet[index].revents & Int16(POLLERR) != 0 {
                        while socket.receiveError({ self.handleQueuedError($0) }) {}
                    }
                    while socket.receive({ packet, bytes in
                        self.handleICMP(socket: socket, packet: packet, bytes: bytes)
                    }) {}
                }
                let wakeIndex = icmpSockets.count
                if pollSet[wakeIndex].revents != 0 {
                    var value: UInt64 = 0
                    _ = read(self.wakeReceiver, &value, 8)
                }
                for (offset, inFlight) in connectsPolled.enumerated() where pollSet[wakeIndex + 1 + offset].revents != 0
                {
                    let now = WallClock.nanoseconds()
                    let code = inFlight.connect.completionError()
                    let event = self.state.withLock { state -> ProbeEvent? in
                        state.connects.removeAll { $0.connect.descriptor == inFlight.connect.descriptor }
                        return self.finishConnect(
                            &state, target: inFlight.target, probe: inFlight.probe, time: now, errno: code)
                    }
                    inFlight.connect.close()
                    if let event { self.emit(event) }
                }
            }
            self.expireDue()
        }
    }

    /// Records a finished TCP connect; returns the event to emit.
    private func finishConnect(
        _ state: inout State, target: Int, probe: Int, time: Int64, errno code: Int32
    ) -> ProbeEvent? {
        if code == 0 {
            switch state.ledgers[target].recordReply(probe: probe, at: time, timeout: self.options.timeout) {
            case .answered(let probe, let rtt):
                return .reply(
                    ProbeReply(target: target, probe: probe, rtt: rtt, bytes: 0, ttl: nil, isDuplicate: false))
            default:
                return nil
            }
        }
        let message = code == ECONNREFUSED ? "connection refused" : "connect failed: \(String(cString: strerror(code)))"
        state.ledgers[target].markLost(probe)
        state.errors[target][message, default: 0] += 1
        return .error(target: target, probe: probe, message: message)
    }

    private func expireDue() {
        let now = WallClock.nanoseconds()
        var lost: [ProbeEvent] = []
        var closing: [TCPConnectProbe] = []
        self.state.withLock { state in
            while state.expiryHead < state.expiries.count, state.expiries[state.expiryHead].deadline <= now {
                let entry = state.expiries[state.expiryHead]
                state.expiryHead += 1
                if state.ledgers[entry.target].expire(entry.probe) {
                    lost.append(.lost(target: entry.target, probe: entry.probe))
                }
                if let index = state.connects.firstIndex(where: { $0.target == entry.target && $0.probe == entry.probe }
                ) {
                    closing.append(state.connects.remove(at: index).connect)
                }
            }
            if state.expiryHead > 4096 && state.expiryHead * 2 > state.expiries.count {
                state.expiries.removeFirst(state.expiryHead)
                state.expiryHead = 0
            }
        }
        for connect in closing { connect.close() }
        for event in lost { self.emit(event) }
    }

    private func handleICMP(socket: ICMPSocket, packet: ReceivedPacket, bytes: UnsafeRawBufferPointer) {
        guard let message = try? ICMPMessage(decoding: bytes, family: socket.family) else { return }
        switch message {
        case .echo(let echo):
            guard echo.kind == .reply, let source = packet.source, let target = self.addressIndex[source] else {
                return
            }
            // Raw sockets see every program's replies; datagram sockets only their own (the kernel set the id).
            if socket.mode == .raw && echo.identifier != self.identifier { return }
            let cookieProbe: Int?
            switch self.payload.read(echo.payload) {
            case .foreign: return
            case .noCookie: cookieProbe = nil
            case .probe(let probe): cookieProbe = probe
            }
            let outcome = self.state.withLock {
                $0.ledgers[target].recordReply(
                    sequence: echo.sequence, cookieProbe: cookieProbe, at: packet.kernelTime,
                    timeout: self.options.timeout)
            }
            let size = bytes.count
            switch outcome {
            case .answered(let probe, let rtt):
                self.emit(
                    .reply(
                        ProbeReply(
                            target: target, probe: probe, rtt: rtt, bytes: size, ttl: packet.ttl, isDuplicate: false)))
            case .duplicate(let probe, let rtt):
                self.emit(
                    .reply(
                        ProbeReply(
                            target: target, probe: probe, rtt: rtt, bytes: size, ttl: packet.ttl, isDuplicate: true)))
            case .late, .unmatched:
                return
            }
        case .error(let error):
            guard let destinationBytes = error.quotedDestination, let destination = IPAddress(bytes: destinationBytes),
                let target = self.addressIndex[destination], let sequence = error.quotedSequence
            else { return }
            if socket.mode == .raw && error.quotedIdentifier != self.identifier { return }
            let from = packet.source.map { " from \($0)" } ?? ""
            self.recordError(target: target, sequence: sequence, message: "\(error.description)\(from)")
        case .other:
            return
        }
    }

    private func handleQueuedError(_ error: QueuedICMPError) {
        guard let destination = error.destination, let target = self.addressIndex[destination],
            let sequence = error.sequence
        else { return }
        if case .foreign = self.payload.read(error.payload) { return }
        let description: String
        if let kind = error.kind {
            description =
                ICMPErrorMessage(
                    family: destination.family, kind: kind, code: error.code, quotedDestination: nil,
                    quotedIdentifier: nil,
                    quotedSequence: nil
                ).description
        } else {
            description = String(cString: strerror(error.errno))
        }
        let from = error.sender.map { " from \($0)" } ?? ""
        self.recordError(target: target, sequence: sequence, message: "\(description)\(from)")
    }

    private func recordError(target: Int, sequence: UInt16, message: String) {
        let probe = self.state.withLock { state -> Int? in
            state.errors[target][message, default: 0] += 1
            return state.ledgers[target].probe(forSequence: sequence)
        }
        self.emit(.error(target: target, probe: probe, message: message))
    }

    private func emit(_ event: ProbeEvent) {
        if self.emitsEvents { self.continuation.yield(event) }
    }

    private static func wake(_ fd: Int32) {
        var one: UInt64 = 1
        _ = write(fd, &one, 8)
    }
}
