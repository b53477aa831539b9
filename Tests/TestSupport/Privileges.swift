import Foundation

/// What the current process may do, for `.enabled(if:_:)` traits on tests that need root or namespaces.
public enum Privileges {
    /// Running as uid 0.
    public static var isRoot: Bool { geteuid() == 0 }

    /// Whether this process can create network namespaces (root, `ip` present, and a trial namespace works).
    public static let canCreateNamespaces: Bool = {
        guard geteuid() == 0, Shell.hasProgram("ip") else { return false }
        let name = "nmt-\(getpid())-trial"
        guard (try? Shell.run(["ip", "netns", "add", name])) != nil else { return false }
        _ = try? Shell.run(["ip", "netns", "del", name], check: false)
        return true
    }()

    /// Why namespace tests are skipped, for the skip message.
    public static let namespaceSkipReason =
        "needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and iproute2 to create network namespaces; running as uid \(geteuid())"

    /// Whether the unprivileged ICMP datagram socket is allowed for this process's group by
    /// `net.ipv4.ping_group_range`, or the process is root (raw sockets).
    public static var canOpenICMPSockets: Bool {
        if geteuid() == 0 { return true }
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ping_group_range", encoding: .utf8) else {
            return false
        }
        let bounds = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { UInt32($0) }
        guard bounds.count == 2 else { return false }
        let gid = UInt32(getegid())
        return bounds[0] <= gid && gid <= bounds[1]
    }

    /// Why ICMP socket tests are skipped.
    public static let icmpSkipReason =
        "needs root or net.ipv4.ping_group_range to include this group (gid \(getegid())) for ICMP sockets"
}
