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

    /// Options with the defaults the issue prescribes: snaplen 128, 32 MiB buffer, 10 s summaries.
    public init(
        interface: String, snapshotLength: Int = 128, bufferSize: Int = 32 << 20, filter: String? = nil,
        promiscuous: Bool = false, reportInterval: Duration = .seconds(10), analyzer: AnalyzerConfiguration = .init()
    ) {
        self.interface = interface
        self.snapshotLength = snapshotLength
        self.bufferSize = bufferSize
        self.filter = filter
        self.promiscuous = promiscuous
        self.reportInterval = reportInterval
        self.analyzer = analyzer
    }
}
