#if canImport(Glibc)
    import Glibc
#endif

/// Turns the kernel's own echo replies off or on in the current network namespace
/// (`net.ipv4.icmp_echo_ignore_all`, `net.ipv6.icmp.echo_ignore_all`), so a user-space responder answers instead.
public enum KernelEcho {
    /// Writes both settings; the IPv6 one is skipped when the kernel lacks it.
    public static func setIgnoreAll(_ ignore: Bool) throws(LabError) {
        try self.write("/proc/sys/net/ipv4/icmp_echo_ignore_all", ignore ? "1" : "0", required: true)
        try self.write("/proc/sys/net/ipv6/icmp/echo_ignore_all", ignore ? "1" : "0", required: false)
    }

    private static func write(_ path: String, _ value: String, required: Bool) throws(LabError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if !required && errno == ENOENT { return }
            throw LabError(
                .sysctlFailed,
                "cannot open for writing: \(String(cString: strerror(errno))) (needs root in this namespace)",
                context: path)
        }
        defer { close(fd) }
        let written = value.withCString { Glibc.write(fd, $0, strlen($0)) }
        guard written > 0 else {
            throw LabError(.sysctlFailed, "write failed: \(String(cString: strerror(errno)))", context: path)
        }
    }
}
