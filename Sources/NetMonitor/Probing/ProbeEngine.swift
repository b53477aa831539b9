import CNetShims
import Foundation
import NetworkAddress
import Synchronization

/// Probes many targets at once over one ICMP socket per family (plus one TCP socket per TCP probe in flight),
/// on fping's schedule (`ProbeScheduler`).
///
/// One thread of its own, not from Swift's cooperative pool, does everything, as fping does:
/// - at each planned time (absolute schedule, 1 µs timer slack) it reads the clock and calls `sendto` at once;
/// - replies are read without blocking, up to 32 per `recvmmsg`: after every 16 sends, and whenever the next send
///   is more than `replyLinger` (10 ms) after the oldest unread one (on loopback and veth paths the kernel has
///   answered within the `sendto` call, so the replies are already queued);
/// - until the next planned send it sleeps: when that send is within `replyLinger` and no TCP connect is in
///   flight, in `clock_nanosleep` until the planned time (absolute, no poll set, no clock read after the send);
///   else in `ppoll` on a stop event, the TCP connects in flight and the ICMP sockets (these only when the send
///   is more than `replyLinger` away); so the thread wakes once per send, not once per reply;
/// - after the last send it keeps waiting until every probe is answered or past its timeout.
///
/// Round-trip times use kernel receive timestamps (SO_TIMESTAMPNS, the CLOCK_REALTIME the send time is read
/// from), so when a reply is read does not change its RTT. Before probes are declared lost, the sockets are
/// drained, so a reply that arrived within the timeout is never counted lost for being read later.
/// The per-target ledgers sit behind one mutex for `snapshot()`. Events go out through `events` (an
/// `AsyncStream` that finishes when the run ends or `stop()` is called).
public final class ProbeEngine: Sendable {
    /// The targets, in the order of `TargetReport`s and event target indices.
    public let endpoints: [ProbeEndpoint]
    /// Schedule and packet settings.
    public let options: ProbeOptions
    /// The stream of events (replies, losses, errors); finishes at the end of the run.
    public let events: AsyncStream<ProbeEvent>

    let continuation: AsyncStream<ProbeEvent>.Continuation
    let emitsEvents: Bool
    let sockets: [IPFamily: ICMPSocket]
    /// The same sockets in a fixed order (v4 first), as polled.
    let icmpSockets: [ICMPSocket]
    let addressIndex: AddressTable
    let identifier: UInt16
    let payload: ProbePayload
    let state: Mutex<State>
    private let isStopped = Atomic<Bool>(false)
    private let hasStarted = Atomic<Bool>(false)
    private let wakeEvent: Int32
    private let finished = Mutex<[CheckedContinuation<Void, Never>]?>([])

    /// Send lateness samples kept for `scheduleReport()` (16 MB at most).
    static let latenessLimit = 2_000_000

    /// What `snapshot()` and `scheduleReport()` read while the probe thread writes it.
    struct State {
        var ledgers: [ProbeLedger]
        var errors: [[String: Int]]
        var lateness: [Double] = []
        var firstSend: Int64?
        var lastSend: Int64?
        var sends = 0
        /// Replies whose time was taken when they were read (``ReceivedPacket/stampedAtRead``).
        var repliesStampedAtRead = 0
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
        self.addressIndex = AddressTable(index)
        var sockets: [IPFamily: ICMPSocket] = [:]
        for family in families.sorted(by: { $0.rawValue < $1.rawValue }) {
            let socket = try ICMPSocket.open(
                family: family, preference: options.socketPreference, kernelTimestamps: options.kernelReceiveTimestamps)
            if let ttl = options.ttl { try socket.setTTL(ttl) }
            if let tos = options.tos { try socket.setTOS(tos) }
            sockets[family] = socket
        }
        self.sockets = sockets
        self.icmpSockets = sockets.values.sorted { $0.family.rawValue < $1.family.rawValue }
        var generator = SystemRandomNumberGenerator()
        self.identifier = UInt16.random(in: 1...UInt16.max, using: &generator)
        self.payload = ProbePayload(nonce: generator.next())
        // Planned runs reserve their ledgers' storage up front: no reallocation per send.
        let expected = min(options.count ?? 64, 4_096)
        var state = State(
            ledgers: (0..<endpoints.count).map { _ in ProbeLedger(expectedProbes: expected) },
            errors: Array(repeating: [:], count: endpoints.count))
        state.lateness.reserveCapacity(min(expected * endpoints.count, Self.latenessLimit))
        self.state = Mutex(state)
        self.wakeEvent = CNetShims_eventfd()
        (self.events, self.continuation) = AsyncStream.makeStream(of: ProbeEvent.self)
    }

    deinit {
        close(self.wakeEvent)
    }

    /// How each family's ICMP socket was opened (datagram or raw).
    public var socketModes: [IPFamily: ICMPSocket.Mode] { self.sockets.mapValues(\.mode) }

    /// Starts the probe thread (once).
    public func start() {
        guard !self.hasStarted.exchange(true, ordering: .relaxed) else { return }
        let thread = Thread { [self] in self.probeLoop() }
        thread.name = "netmon-probe"
        thread.start()
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
        var one: UInt64 = 1
        _ = write(self.wakeEvent, &one, 8)
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
            return ScheduleReport(
                sends: state.sends, duration: duration, lateness: SampleSummary(state.lateness),
                repliesStampedAtRead: state.repliesStampedAtRead)
        }
    }

    // MARK: - The probe thread

    /// A probe's timeout, in send order (every probe has the same timeout, so the list stays sorted).
    struct Expiry {
        var deadline: Int64
        var target: Int
        var probe: Int
    }

    /// What a send needs of one target, and its count of sends, in 32 bytes (two targets to a cache line).
    struct HotTarget {
        var address: IPAddress
        /// Descriptor of the target's ICMP socket; -1 for TCP targets.
        var descriptor: Int32
        var family: IPFamily
        /// Probes sent so far: the number of the next one.
        var sent = 0
    }

    /// A TCP connect waiting for its SYN-ACK (or refusal).
    struct InFlightConnect {
        var target: Int
        var probe: Int
        var connect: TCPConnectProbe
    }

    /// What only the probe thread touches.
    struct Run {
        var scheduler: ProbeScheduler
        var next: (target: Int, time: Int64)?
        /// Per target, what a send needs, packed together.
        var hot: [HotTarget]
        var expiries: [Expiry] = []
        var expiryHead = 0
        var connects: [InFlightConnect] = [] {
            didSet { self.pollSetIsCurrent = false }
        }
        /// Whether the poll set lists the current connects.
        var pollSetIsCurrent = false
        /// Events gathered while the state lock is held, emitted after it is released.
        var events: [ProbeEvent] = []
        let template: EchoRequestTemplate
        let timeout: Int64
        /// Whether the longest reply expected (IPv4 header, echo header, payload) fits one `receiveBatch` slot.
        let repliesFitBatch: Bool
        /// Sends after which the sockets are read at the latest: half a batch (one `recvmmsg` then reads them all,
        /// duplicates included) when replies fit one, else every send.
        let drainEvery: Int
        /// ICMP probes sent since the sockets were last read, and when the first of them left.
        var sendsSinceDrain = 0
        var firstUndrainedSend: Int64 = 0
        /// Replies stamped when read instead of on arrival, so far.
        var repliesStampedAtRead = 0
        /// Read replies as soon as they arrive instead of letting them wait for a batch: the kernel is not
        /// stamping them on arrival (``ReceivedPacket/stampedAtRead`` seen `promptReadAfter` times), so a reply's
        /// RTT is only as exact as the time it is read.
        var readsPromptly: Bool { self.repliesStampedAtRead >= ProbeEngine.promptReadAfter }
    }

    /// Replies stamped at read after which the engine reads replies as they arrive for the rest of the run. More
    /// than one, since a reply that arrives during the receive call is flagged too although its time is right.
    static let promptReadAfter = 3

    /// How long replies may wait in the socket while more sends follow soon (their kernel timestamps keep the
    /// RTTs exact): then one `recvmmsg` reads many, and the thread wakes once per send, not per reply.
    static let replyLinger: Int64 = 10_000_000

    private func probeLoop() {
        _ = CNetShims_setTimerSlack(1_000)
        let length = ICMPEcho.headerLength + self.options.payloadSize
        let template = EchoRequestTemplate(
            identifier: self.identifier, payload: self.payload, payloadSize: self.options.payloadSize)
        var scheduler = ProbeScheduler(
            targetCount: self.endpoints.count, count: self.options.count, period: self.options.period,
            interval: self.options.interval, start: WallClock.nanoseconds() + 1_000_000)
        let next = scheduler.next()
        var run = Run(
            scheduler: scheduler, next: next,
            hot: self.endpoints.map { endpoint in
                let socket = endpoint.method == .icmp ? self.sockets[endpoint.address.family] : nil
                return HotTarget(
                    address: endpoint.address, descriptor: socket?.descriptor ?? -1, family: endpoint.address.family)
            },
            template: template,
            timeout: Int64((self.options.timeout * 1e9).rounded()),
            repliesFitBatch: 60 + length <= ICMPSocket.batchSlotBytes,
            drainEvery: 60 + length <= ICMPSocket.batchSlotBytes ? ICMPSocket.batchCapacity / 2 : 1)
        var pollSet: [pollfd] = []
        pollSet.reserveCapacity(self.icmpSockets.count + 1)
        run.expiries.reserveCapacity(min(self.endpoints.count * (self.options.count ?? 64), 8_192))
        defer {
            for inFlight in run.connects { inFlight.connect.close() }
            template.deallocate()
            self.continuation.finish()
            let waiting = self.finished.withLock { waiting -> [CheckedContinuation<Void, Never>] in
                let list = waiting ?? []
                waiting = nil
                return list
            }
            for continuation in waiting { continuation.resume() }
        }

        // `now` never runs ahead of the clock. The clock is read right before each send, and `now` is that
        // reading afterwards (a few µs behind: enough to decide what is due; a send found due late is at most
        // a sleep call that returns at once away). A wake-up at the time waited for means that time has come;
        // the clock is read again only after a wake-up by a socket or before a wait whose length matters.
        var now = WallClock.nanoseconds()
        while !self.isStopped.load(ordering: .relaxed) {
            // Every send that is due. Replies are read a batch at a time, and before any longer wait.
            while let (target, planned) = run.next, planned <= now {
                let sentAt = self.send(to: target, planned: planned, &run)
                run.next = run.scheduler.next()
                if run.sendsSinceDrain > 0 {
                    let nextSend = run.next?.time ?? .max
                    if run.sendsSinceDrain >= run.drainEvery || nextSend - run.firstUndrainedSend > Self.replyLinger {
                        self.drainAll(&run)
                    }
                }
                self.emitGathered(&run)
                if self.isStopped.load(ordering: .relaxed) { return }
                now = max(now, sentAt)
            }
            // Probes past their timeout, after one more look at the sockets.
            var deadline = self.nextPendingDeadline(&run)
            if let due = deadline, due <= now {
                self.expire(upTo: now, &run)
                deadline = self.nextPendingDeadline(&run)
            }
            if run.next == nil && deadline == nil && run.connects.isEmpty { return }
            // Watch the sockets only when no send comes within the linger time (the queue has just been read).
            let watchSockets = run.readsPromptly || (run.next.map { $0.time - now > Self.replyLinger } ?? true)

            let wakeAt = min(run.next?.time ?? .max, deadline ?? .max)
            if !watchSockets && run.connects.isEmpty {
                // Nothing to watch but the schedule, and the next send within the linger time: sleep until it
                // (absolute time, so a stale `now` does not lengthen the wait) without a poll set. stop() is
                // seen at the latest when the sleep ends, within `replyLinger`.
                WallClock.sleep(until: wakeAt)
                now = max(now, wakeAt)
                continue
            }
            // A wait that may be long: a fresh reading, so the relative timeout ends when planned.
            now = WallClock.nanoseconds()

            // Wait for the next send or timeout, a reply, a connect, or stop().
            if !run.pollSetIsCurrent {
                pollSet.removeAll(keepingCapacity: true)
                for socket in self.icmpSockets {
                    pollSet.append(pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0))
                }
                pollSet.append(pollfd(fd: self.wakeEvent, events: Int16(POLLIN), revents: 0))
                for inFlight in run.connects {
                    pollSet.append(pollfd(fd: inFlight.connect.descriptor, events: Int16(POLLOUT), revents: 0))
                }
                run.pollSetIsCurrent = true
            }
            let timeout = wakeAt == .max ? -1 : max(0, wakeAt - now)
            let skipped = watchSockets ? 0 : self.icmpSockets.count
            let ready = pollSet.withUnsafeMutableBufferPointer { entries in
                CNetShims_ppoll(entries.baseAddress! + skipped, UInt(entries.count - skipped), timeout)
            }
            if self.isStopped.load(ordering: .relaxed) { return }
            guard ready > 0 else {
                // ppoll waited at least `timeout` (an interrupted wait reads the clock).
                now = ready == 0 && wakeAt != .max ? max(now, wakeAt) : WallClock.nanoseconds()
                continue
            }
            for (index, socket) in self.icmpSockets.enumerated() where watchSockets && pollSet[index].revents != 0 {
                self.drain(socket, errorQueue: pollSet[index].revents & Int16(POLLERR) != 0, &run)
            }
            let wakeIndex = self.icmpSockets.count
            if pollSet[wakeIndex].revents != 0 {
                var value: UInt64 = 0
                _ = read(self.wakeEvent, &value, 8)
            }
            if !run.connects.isEmpty {
                var finishedConnects: [Int32] = []
                for offset in run.connects.indices where pollSet[wakeIndex + 1 + offset].revents != 0 {
                    finishedConnects.append(run.connects[offset].connect.descriptor)
                }
                for descriptor in finishedConnects { self.finishConnect(descriptor: descriptor, &run) }
            }
            self.emitGathered(&run)
            now = WallClock.nanoseconds()
        }
    }

    /// Sends probe number `hot[target].sent` to `target` and records it; returns the clock reading taken for it.
    private func send(to target: Int, planned: Int64, _ run: inout Run) -> Int64 {
        let hot = run.hot[target]
        let probe = hot.sent
        run.hot[target].sent = probe + 1
        if hot.descriptor >= 0 {
            let packet = run.template.prepare(family: hot.family, probe: probe)
            // Nothing but the clock read between the send time and sendto. Replies are read by this thread
            // only, so recording the probe after the send cannot miss one.
            let sentAt = WallClock.nanoseconds()
            let failure = ICMPSocket.send(packet, to: hot.address, on: hot.descriptor)
            self.state.withLock { state in
                state.ledgers[target].recordSend(at: sentAt)
                Self.noteSend(&state, planned: planned, actual: sentAt)
                if failure != 0 {
                    let message = "send failed: \(String(cString: strerror(failure)))"
                    state.ledgers[target].markLost(probe)
                    state.errors[target][message, default: 0] += 1
                    run.events.append(.error(target: target, probe: probe, message: message))
                }
            }
            if failure == 0 {
                run.expiries.append(Expiry(deadline: sentAt + run.timeout, target: target, probe: probe))
                if run.sendsSinceDrain == 0 { run.firstUndrainedSend = sentAt }
                run.sendsSinceDrain += 1
            }
            return sentAt
        }
        guard case .tcp(let port) = self.endpoints[target].method else { return WallClock.nanoseconds() }
        do {
            let connect = try TCPConnectProbe.start(
                to: self.endpoints[target].address, port: port, ttl: self.options.ttl, tos: self.options.tos)
            self.state.withLock { state in
                state.ledgers[target].recordSend(at: connect.startTime)
                Self.noteSend(&state, planned: planned, actual: connect.startTime)
                if let (time, code) = connect.immediateResult {
                    if let event = self.connectFinished(
                        &state, target: target, probe: probe, time: time, errno: code)
                    {
                        run.events.append(event)
                    }
                }
            }
            if connect.immediateResult != nil {
                connect.close()
            } else {
                run.expiries.append(
                    Expiry(deadline: connect.startTime + run.timeout, target: target, probe: probe))
                run.connects.append(InFlightConnect(target: target, probe: probe, connect: connect))
            }
            return connect.startTime
        } catch {
            let time = WallClock.nanoseconds()
            self.state.withLock { state in
                state.ledgers[target].recordSend(at: time)
                state.ledgers[target].markLost(probe)
                state.errors[target][error.message, default: 0] += 1
            }
            run.events.append(.error(target: target, probe: probe, message: error.message))
            return time
        }
    }

    private static func noteSend(_ state: inout State, planned: Int64, actual: Int64) {
        state.sends += 1
        if state.firstSend == nil { state.firstSend = actual }
        state.lastSend = actual
        if state.lateness.count < Self.latenessLimit { state.lateness.append(Double(actual - planned) / 1e9) }
    }

    /// The deadline of the oldest probe still pending (ICMP or TCP), skipping those already answered or lost.
    private func nextPendingDeadline(_ run: inout Run) -> Int64? {
        guard run.expiryHead < run.expiries.count else { return nil }
        return self.state.withLock { state -> Int64? in
            while run.expiryHead < run.expiries.count {
                let entry = run.expiries[run.expiryHead]
                if state.ledgers[entry.target].isPending(entry.probe) { return entry.deadline }
                run.expiryHead += 1
            }
            return nil
        }
    }

    /// Declares the probes whose deadline is at or before `now` lost. Replies stamped before `now` may still
    /// be queued: the sockets are read first.
    private func expire(upTo now: Int64, _ run: inout Run) {
        self.drainAll(&run)
        var closing: [TCPConnectProbe] = []
        self.state.withLock { state in
            while run.expiryHead < run.expiries.count, run.expiries[run.expiryHead].deadline <= now {
                let entry = run.expiries[run.expiryHead]
                run.expiryHead += 1
                if state.ledgers[entry.target].expire(entry.probe) {
                    run.events.append(.lost(target: entry.target, probe: entry.probe))
                }
                if !run.connects.isEmpty,
                    let index = run.connects.firstIndex(where: { $0.target == entry.target && $0.probe == entry.probe })
                {
                    closing.append(run.connects.remove(at: index).connect)
                }
            }
        }
        if run.expiryHead > 4096 && run.expiryHead * 2 > run.expiries.count {
            run.expiries.removeFirst(run.expiryHead)
            run.expiryHead = 0
        }
        for connect in closing { connect.close() }
        self.emitGathered(&run)
    }

    /// Reads every ICMP socket's queue.
    private func drainAll(_ run: inout Run) {
        for socket in self.icmpSockets { self.drain(socket, errorQueue: false, &run) }
        run.sendsSinceDrain = 0
    }

    /// A TCP connect whose socket poll reported writable or in error: record the outcome and close it.
    private func finishConnect(descriptor: Int32, _ run: inout Run) {
        guard let index = run.connects.firstIndex(where: { $0.connect.descriptor == descriptor }) else { return }
        let inFlight = run.connects.remove(at: index)
        let now = WallClock.nanoseconds()
        let code = inFlight.connect.completionError()
        let event = self.state.withLock { state in
            self.connectFinished(&state, target: inFlight.target, probe: inFlight.probe, time: now, errno: code)
        }
        inFlight.connect.close()
        if let event { run.events.append(event) }
    }

    /// Records a finished TCP connect; returns the event to emit.
    private func connectFinished(
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

    /// Emits the events gathered so far (only when events were asked for).
    private func emitGathered(_ run: inout Run) {
        guard !run.events.isEmpty else { return }
        if self.emitsEvents {
            for event in run.events { self.continuation.yield(event) }
        }
        run.events.removeAll(keepingCapacity: true)
    }
}
