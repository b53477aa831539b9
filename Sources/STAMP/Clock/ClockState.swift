import CNetShims

#if canImport(Glibc)
    import Glibc
#endif

/// What a host claims about its clock in the Error Estimate of its STAMP packets.
///
/// `current()` reads the kernel clock discipline (adjtimex, read only): the clock is synchronised when adjtimex does
/// not answer TIME_ERROR and STA_UNSYNC is clear (what ntpd, chronyd and systemd-timesyncd maintain), and its error
/// is the kernel's maximum error bound (`maxerror`, which the kernel grows by 500 ppm between updates), never the
/// smaller estimated error: an understated error would let netmon publish a one-way delay it cannot vouch for.
/// `asserted(errorSeconds:)` is for hosts whose discipline adjtimex does not show (a PTP hardware clock read
/// directly) and for two ends on one host, which share one clock.
public struct ClockState: Sendable, Hashable {
    /// Synchronised to UTC by an external source (the S bit).
    public var isSynchronized: Bool
    /// The bound on the clock's error, seconds.
    public var errorSeconds: Double

    /// A state as given.
    public init(isSynchronized: Bool, errorSeconds: Double) {
        self.isSynchronized = isSynchronized
        self.errorSeconds = errorSeconds
    }

    /// A synchronised clock with the given error bound (operator's assertion).
    public static func asserted(errorSeconds: Double) -> ClockState {
        ClockState(isSynchronized: true, errorSeconds: errorSeconds)
    }

    /// The kernel's view of the system clock now; unsynchronised with a 16 s error when adjtimex fails.
    public static func current() -> ClockState {
        var maximum: Int64 = 0
        var estimated: Int64 = 0
        var status: Int32 = 0
        let state = CNetShims_clockState(&maximum, &estimated, &status)
        guard state >= 0 else { return ClockState(isSynchronized: false, errorSeconds: 16) }
        let synchronized = state != CNetShims_TIME_ERROR() && status & Int32(CNetShims_STA_UNSYNC()) == 0
        return ClockState(isSynchronized: synchronized, errorSeconds: Double(max(0, maximum)) / 1e6)
    }

    /// The Error Estimate to send with timestamps of this clock (NTP format).
    public var errorEstimate: ErrorEstimate {
        ErrorEstimate(isSynchronized: self.isSynchronized, errorSeconds: self.errorSeconds)
    }
}
