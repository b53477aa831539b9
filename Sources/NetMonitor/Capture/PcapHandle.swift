import CPcap

/// The analyzer a pcap callback feeds, with the timestamp scale of the handle.
///
/// Used only by the thread that calls `pcap_dispatch` on the handle it belongs to. The analyzer lives in memory
/// of its own, and the callback gets a pointer to it: no reference counting and no dynamic exclusivity check of
/// a class property on each packet.
final class AnalyzerBox {
    struct Feed {
        var analyzer: PassiveAnalyzer
        /// 1 for nanosecond timestamps, 1000 when libpcap could only give microseconds.
        let nanosecondsPerTick: Int64
    }

    let feed: UnsafeMutablePointer<Feed>

    init(analyzer: PassiveAnalyzer, nanosecondsPerTick: Int64) {
        self.feed = .allocate(capacity: 1)
        self.feed.initialize(to: Feed(analyzer: analyzer, nanosecondsPerTick: nanosecondsPerTick))
    }

    deinit {
        self.feed.deinitialize(count: 1)
        self.feed.deallocate()
    }

    /// The analyzer (accessed in place).
    var analyzer: PassiveAnalyzer {
        get { self.feed.pointee.analyzer }
        _modify { yield &self.feed.pointee.analyzer }
    }
}

/// The pcap callback: hands each frame to the analyzer `user` points to (an `AnalyzerBox.Feed`).
private let feedAnalyzer: pcap_handler = { user, header, bytes in
    guard let user, let header, let bytes else { return }
    let feed = UnsafeMutableRawPointer(user).assumingMemoryBound(to: AnalyzerBox.Feed.self)
    // A damaged file's record can say any time (pcapng's 64-bit timestamps especially): clamp to years 1970–2255
    // so that nanoseconds and their differences stay within Int64.
    let seconds = min(max(Int64(header.pointee.ts.tv_sec), 0), 9_000_000_000)
    let (fraction, overflow) = Int64(header.pointee.ts.tv_usec).multipliedReportingOverflow(
        by: feed.pointee.nanosecondsPerTick)
    let timestamp = seconds * 1_000_000_000 + (overflow ? 999_999_999 : min(max(fraction, 0), 999_999_999))
    feed.pointee.analyzer.ingest(
        timestamp: timestamp, wireLength: Int(header.pointee.len),
        bytes: UnsafeRawBufferPointer(start: bytes, count: Int(header.pointee.caplen)))
}

/// One `pcap_t`, closed on deinit. Owned by one thread at a time.
final class PcapHandle {
    let raw: OpaquePointer
    let source: String

    private init(raw: OpaquePointer, source: String) {
        self.raw = raw
        self.source = source
    }

    deinit {
        pcap_close(self.raw)
    }

    /// Opens a pcap or pcapng file with nanosecond timestamps.
    static func openOffline(path: String) throws(CaptureError) -> PcapHandle {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let raw = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
        else {
            let reason = Self.text(errorBuffer)
            throw CaptureError(.cannotOpenFile, "cannot read it as a pcap or pcapng file (\(reason))", source: path)
        }
        return PcapHandle(raw: raw, source: path)
    }

    /// Opens an interface the way that works on Linux: create → snaplen → immediate mode (or a buffer timeout) →
    /// buffer size →
    /// nanosecond timestamps → activate (warnings kept, errors thrown) → filter → non-blocking.
    static func openLive(_ options: LiveCaptureOptions) throws(CaptureError) -> (PcapHandle, warnings: [String]) {
        let name = options.interface
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let raw = pcap_create(name, &errorBuffer) else {
            throw CaptureError(.activationFailed, "pcap_create failed: \(Self.text(errorBuffer))", source: name)
        }
        let handle = PcapHandle(raw: raw, source: name)
        var warnings: [String] = []
        func check(_ status: Int32, _ what: String) throws(CaptureError) {
            guard status == 0 else {
                throw CaptureError(.activationFailed, "\(what) failed: \(handle.lastError) (\(status))", source: name)
            }
        }
        try check(pcap_set_snaplen(raw, Int32(options.snapshotLength)), "pcap_set_snaplen")
        try check(pcap_set_promisc(raw, options.promiscuous ? 1 : 0), "pcap_set_promisc")
        if let delay = options.deliveryDelay {
            try check(pcap_set_immediate_mode(raw, 0), "pcap_set_immediate_mode")
            try check(
                pcap_set_timeout(raw, Int32(clamping: max(1, delay.nanoseconds / 1_000_000))), "pcap_set_timeout")
        } else {
            try check(pcap_set_immediate_mode(raw, 1), "pcap_set_immediate_mode")
        }
        try check(pcap_set_buffer_size(raw, Int32(clamping: options.bufferSize)), "pcap_set_buffer_size")
        if pcap_set_tstamp_precision(raw, Int32(PCAP_TSTAMP_PRECISION_NANO)) != 0 {
            warnings.append("nanosecond timestamps are not supported here; using microseconds")
        }
        let status = pcap_activate(raw)
        if status < 0 {
            let detail = handle.lastError
            switch status {
            case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
                throw CaptureError(
                    .permissionDenied,
                    "capturing needs CAP_NET_RAW (and CAP_NET_ADMIN for the 32 MiB buffer): run as root or "
                        + "`setcap cap_net_raw,cap_net_admin=eip $(command -v netmon)` (\(detail))", source: name)
            case PCAP_ERROR_NO_SUCH_DEVICE:
                throw CaptureError(
                    .noSuchDevice, "no such interface: check the name with `ip link` (\(detail))", source: name)
            case PCAP_ERROR_IFACE_NOT_UP:
                throw CaptureError(
                    .interfaceDown, "the interface is down: bring it up with `ip link set \(name) up`", source: name)
            default:
                throw CaptureError(
                    .activationFailed, "pcap_activate failed: \(String(cString: pcap_statustostr(status))) \(detail)",
                    source: name)
            }
        } else if status > 0 {
            warnings.append("pcap_activate: \(String(cString: pcap_statustostr(status))) \(handle.lastError)")
        }
        if let filter = options.filter, !filter.isEmpty {
            try handle.setFilter(filter)
        }
        if pcap_setnonblock(raw, 1, &errorBuffer) != 0 {
            throw CaptureError(.activationFailed, "pcap_setnonblock failed: \(Self.text(errorBuffer))", source: name)
        }
        return (handle, warnings)
    }

    /// Compiles and installs a BPF filter.
    func setFilter(_ expression: String) throws(CaptureError) {
        var program = bpf_program()
        guard pcap_compile(self.raw, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw CaptureError(
                .badFilter, "the filter `\(expression)` does not compile: \(self.lastError)", source: self.source)
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(self.raw, &program) == 0 else {
            throw CaptureError(
                .badFilter, "the filter `\(expression)` cannot be set: \(self.lastError)", source: self.source)
        }
    }

    /// The text of a NUL-terminated libpcap error buffer.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    var lastError: String { String(cString: pcap_geterr(self.raw)) }

    var linkType: LinkType { LinkType(rawValue: pcap_datalink(self.raw)) }

    /// 1 when the handle delivers nanoseconds, 1000 for microseconds.
    var nanosecondsPerTick: Int64 {
        pcap_get_tstamp_precision(self.raw) == Int32(PCAP_TSTAMP_PRECISION_NANO) ? 1 : 1000
    }

    /// `pcap_dispatch` into `box`: the number of packets, 0 when none are waiting (or at end of file),
    /// `PCAP_ERROR_BREAK` after `pcap_breakloop`, `PCAP_ERROR` on failure.
    func dispatch(into box: AnalyzerBox, count: Int32 = -1) -> Int32 {
        let user = UnsafeMutableRawPointer(box.feed).assumingMemoryBound(to: UInt8.self)
        return withExtendedLifetime(box) { pcap_dispatch(self.raw, count, feedAnalyzer, user) }
    }

    /// The cumulative counters of a live handle.
    func statistics() -> pcap_stat? {
        var stats = pcap_stat()
        return pcap_stats(self.raw, &stats) == 0 ? stats : nil
    }

    /// The descriptor to poll, or nil when the device has none.
    var selectableDescriptor: Int32? {
        let fd = pcap_get_selectable_fd(self.raw)
        return fd >= 0 ? fd : nil
    }

    /// The longest poll timeout that still lets libpcap deliver packets (nil when any timeout works).
    var requiredPollTimeoutMilliseconds: Int32? {
        guard let timeout = pcap_get_required_select_timeout(self.raw) else { return nil }
        return Int32(clamping: Int(timeout.pointee.tv_sec) * 1000 + Int(timeout.pointee.tv_usec) / 1000)
    }
}
