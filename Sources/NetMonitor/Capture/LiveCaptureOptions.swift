/// How to capture on an interface.
public struct LiveCaptureOptions: Sendable {
    /// The interface (`eth0`, `any`, …).
    public var interface: String
    /// Bytes kept per packet: 128 holds every header netmon decodes.
    public var snapshotLength: Int
    /// The kernel capture buffer (libpcap's default of 2 MiB drops at bursts).
    public var bufferSize: Int
    /// A BPF filter expression, or nil for everything.
    public var filter: String?
    /// Promiscuous mode: the gateway sees routed traffic without it, so off by default.
    public var promiscuous: Bool
    /// How often a summary is produced.
    public var reportInterval: Duration
    /// The engine's parameters.
    public var analyzer: AnalyzerConfiguration
    /// nil: immediate mode, each packet handed over as it arrives (one wake-up of the capture thread per packet).
    /// A duration: packets are handed over in batches at most this late (libpcap's buffer timeout; on Linux the
    /// kernel fills TPACKET_V3 blocks and retires them when full or this old), so a quiet or steady link wakes the
    /// thread a few times per second. Timestamps are the kernel's either way; only the moment a packet is
    /// counted (which interval summary it lands in) moves, by at most this much.
    public var deliveryDelay: Duration?

    /// Options with the defaults the issue prescribes: snaplen 128, 32 MiB buffer, 10 s summaries.
    public init(
        interface: String, snapshotLength: Int = 128, bufferSize: Int = 32 << 20, filter: String? = nil,
        promiscuous: Bool = false, reportInterval: Duration = .seconds(10), analyzer: AnalyzerConfiguration = .init(),
        deliveryDelay: Duration? = nil
    ) {
        self.interface = interface
        self.snapshotLength = snapshotLength
        self.bufferSize = bufferSize
        self.filter = filter
        self.promiscuous = promiscuous
        self.reportInterval = reportInterval
        self.analyzer = analyzer
        self.deliveryDelay = deliveryDelay
    }
}
