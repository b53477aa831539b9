/// The probe schedule and packet settings, after fping: each target is probed every `period`, no two probes
/// (to any targets) leave closer than `interval`, and a probe not answered within `timeout` is lost.
public struct ProbeOptions: Sendable, Hashable {
    /// Probes per target; nil probes until stopped.
    public var count: Int?
    /// Time between two probes to the same target, seconds (fping `-p`).
    public var period: Double
    /// Minimum time between any two probes, seconds (fping `-i`).
    public var interval: Double
    /// Wait for a reply, seconds (fping `-t`); later replies are counted as lost (RFC 7680).
    public var timeout: Double
    /// ICMP payload bytes after the 8-byte echo header (ping's `-s`, default 56).
    public var payloadSize: Int
    /// TTL / hop limit of probes; nil keeps the system default.
    public var ttl: Int?
    /// TOS byte / traffic class of probes; nil keeps the default.
    public var tos: Int?
    /// Which ICMP socket kinds may be used.
    public var socketPreference: ICMPSocket.ModePreference
    /// Whether the sockets ask the kernel for receive timestamps. Always true but in tests, which switch them off
    /// to reproduce a kernel that has not yet started stamping packets (see ``ReceivedPacket/stampedAtRead``).
    var kernelReceiveTimestamps = true

    /// Creates options; defaults are fping's (`-p 1000 -i 10 -t 500`) with ping's 56-byte payload.
    public init(
        count: Int? = 1, period: Double = 1, interval: Double = 0.010, timeout: Double = 0.5, payloadSize: Int = 56,
        ttl: Int? = nil, tos: Int? = nil, socketPreference: ICMPSocket.ModePreference = .automatic
    ) {
        self.count = count
        self.period = period
        self.interval = interval
        self.timeout = timeout
        self.payloadSize = payloadSize
        self.ttl = ttl
        self.tos = tos
        self.socketPreference = socketPreference
    }

    /// Checks ranges.
    /// - Throws: `ProbeError.invalidArgument` naming the option and the allowed range.
    public func validate() throws(ProbeError) {
        if let count = self.count, count < 1 {
            throw ProbeError(.invalidArgument, "--count must be at least 1, not \(count).")
        }
        guard self.period > 0, self.period.isFinite else {
            throw ProbeError(.invalidArgument, "--period must be a positive duration.")
        }
        guard self.interval >= 0, self.interval.isFinite else {
            throw ProbeError(.invalidArgument, "--interval must be zero or a positive duration.")
        }
        guard self.timeout > 0, self.timeout.isFinite else {
            throw ProbeError(.invalidArgument, "--timeout must be a positive duration.")
        }
        guard (0...65_507).contains(self.payloadSize) else {
            throw ProbeError(.invalidArgument, "--size must be within 0...65507 bytes, not \(self.payloadSize).")
        }
        if let ttl = self.ttl, !(1...255).contains(ttl) {
            throw ProbeError(.invalidArgument, "--ttl must be within 1...255, not \(ttl).")
        }
        if let tos = self.tos, !(0...255).contains(tos) {
            throw ProbeError(.invalidArgument, "--tos must be within 0...255, not \(tos).")
        }
    }
}
