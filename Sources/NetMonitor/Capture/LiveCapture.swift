import CPcap
import Foundation
import Synchronization

/// A summary from a live capture.
public enum LiveCaptureEvent: Sendable {
    /// The figures of one interval (flows carry their cumulative figures).
    case interval(CaptureReport)
    /// Everything since the start, after `stop()`.
    case final(CaptureReport)
}

/// A live capture on one interface: libpcap set up properly, polled and dispatched on a thread of its own,
/// summaries handed over through an `AsyncThrowingStream`.
///
/// `@unchecked Sendable`: the pcap handle is touched only by the capture thread once `events()` started it
/// (and by `init` before that); `stop()` only sets an atomic flag that the thread polls at least every 100 ms.
public final class LiveCapture: @unchecked Sendable {
    /// Warnings from `pcap_activate` and the settings before it.
    public let warnings: [String]
    /// The interface's link type.
    public let linkType: LinkType
    /// The options in force.
    public let options: LiveCaptureOptions

    private let handle: PcapHandle
    private let stopping = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)

    /// Opens and activates the interface; throws `CaptureError` (`.permissionDenied` without CAP_NET_RAW).
    public init(options: LiveCaptureOptions) throws(CaptureError) {
        let (handle, warnings) = try PcapHandle.openLive(options)
        guard handle.linkType.isSupported else {
            throw CaptureError(
                .unsupportedLinkType, "link type \(handle.linkType.rawValue) has no decoder", source: options.interface)
        }
        guard handle.selectableDescriptor != nil else {
            throw CaptureError(.activationFailed, "the device has no descriptor to poll", source: options.interface)
        }
        self.handle = handle
        self.warnings = warnings
        self.linkType = handle.linkType
        self.options = options
    }

    /// Asks the capture thread to finish: it reads what is waiting, yields the last interval and the final
    /// summary, and ends the stream.
    public func stop() {
        self.stopping.store(true, ordering: .releasing)
    }

    /// Starts the capture thread (once) and returns its summaries.
    public func events() -> AsyncThrowingStream<LiveCaptureEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<LiveCaptureEvent, any Error>.makeStream(
            bufferingPolicy: .unbounded)
        guard !self.started.exchange(true, ordering: .acquiringAndReleasing) else {
            continuation.finish(
                throwing: CaptureError(.captureFailed, "events() was already called", source: self.options.interface))
            return stream
        }
        continuation.onTermination = { [weak self] _ in self?.stop() }
        let thread = Thread { self.run(continuation) }
        thread.name = "netmon-capture"
        thread.start()
        return stream
    }

    private static func realtimeNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    private func drops(_ stats: pcap_stat?, since previous: pcap_stat?) -> CaptureDrops? {
        guard let stats else { return nil }
        let base = previous ?? pcap_stat()
        return CaptureDrops(
            received: UInt64(stats.ps_recv &- base.ps_recv), dropped: UInt64(stats.ps_drop &- base.ps_drop),
            interfaceDropped: UInt64(stats.ps_ifdrop &- base.ps_ifdrop))
    }

    private func run(_ continuation: AsyncThrowingStream<LiveCaptureEvent, any Error>.Continuation) {
        let box = AnalyzerBox(
            analyzer: PassiveAnalyzer(configuration: self.options.analyzer, linkType: self.linkType),
            nanosecondsPerTick: self.handle.nanosecondsPerTick)
        let interval = max(self.options.reportInterval.nanoseconds, 1_000_000)
        var nextReport = Self.realtimeNanoseconds() + interval
        var previousStats: pcap_stat?
        var failure: CaptureError?
        var descriptor = pollfd(fd: self.handle.selectableDescriptor ?? -1, events: Int16(POLLIN), revents: 0)
        let pollCap = min(100, self.handle.requiredPollTimeoutMilliseconds ?? 100)

        func dispatchUntilEmpty() -> CaptureError? {
            while true {
                let status = self.handle.dispatch(into: box)
                if status == 0 || status == PCAP_ERROR_BREAK { return nil }
                if status < 0 {
                    return CaptureError(
                        .captureFailed, "reading packets failed: \(self.handle.lastError)",
                        source: self.options.interface)
                }
            }
        }
        func intervalReport(now: Int64) {
            let stats = self.handle.statistics()
            var report = box.analyzer.intervalReport(now: now)
            report.drops = self.drops(stats, since: previousStats)
            report.totalDrops = self.drops(stats, since: nil)
            if stats != nil { previousStats = stats }
            continuation.yield(.interval(report))
        }

        while !self.stopping.load(ordering: .acquiring) {
            let now = Self.realtimeNanoseconds()
            let untilReport = Int32(clamping: max(0, (nextReport - now) / 1_000_000))
            descriptor.revents = 0
            let ready = poll(&descriptor, 1, min(pollCap, untilReport))
            if ready < 0 && errno != EINTR {
                failure = CaptureError(
                    .captureFailed, "poll failed: \(String(cString: strerror(errno)))", source: self.options.interface)
                break
            }
            if let error = dispatchUntilEmpty() {
                failure = error
                break
            }
            let after = Self.realtimeNanoseconds()
            if after >= nextReport {
                intervalReport(now: after)
                nextReport += interval * max(1, (after - nextReport) / interval + 1)
            }
        }
        if failure == nil {
            // Batched delivery: the kernel hands over the last packets when their block times out.
            if let delay = self.options.deliveryDelay {
                descriptor.revents = 0
                _ = poll(&descriptor, 1, Int32(clamping: delay.nanoseconds / 1_000_000 + 20))
            }
            failure = dispatchUntilEmpty()
        }
        intervalReport(now: Self.realtimeNanoseconds())
        var final = box.analyzer.finalReport(endOfCapture: true)
        final.totalDrops = self.drops(self.handle.statistics(), since: nil)
        continuation.yield(.final(final))
        if let failure {
            continuation.finish(throwing: failure)
        } else {
            continuation.finish()
        }
    }
}
