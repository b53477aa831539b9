import CNetShims

#if canImport(Glibc)
    import Glibc
#endif

/// The one clock of all probe timing: CLOCK_REALTIME in nanoseconds since the Unix epoch, the clock the kernel
/// stamps received packets with (SO_TIMESTAMPNS). Round-trip times are differences of two readings of it.
public enum WallClock {
    /// Now, in nanoseconds since the epoch.
    @inline(__always)
    public static func nanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// Sleeps the calling thread until `deadline` (nanoseconds since the epoch) with an absolute timer,
    /// so early wake-ups and signals do not shorten the wait.
    public static func sleep(until deadline: Int64) {
        var target = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &target, nil) == EINTR {}
    }
}
