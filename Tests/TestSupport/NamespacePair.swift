import Foundation
import Synchronization

/// Two fresh network namespaces joined by a veth pair: a `source` (where a prober runs) and a `target` (where a
/// responder, nftables rules or listeners live). No route leads out of either, so nothing sent inside can
/// reach a real network.
///
/// Names are `nmt-<pid>-<n>-s` / `-t`, unique per process and test, so tests can run in parallel. Addresses are
/// the same in every pair (namespaces are isolated): RFC 2544 benchmarking addresses and a ULA prefix.
/// `destroy()` (also run on deinit and by `withNamespacePair`) kills processes left inside and deletes both
/// namespaces; the first pair of a process also removes stale `nmt-` namespaces whose creating process is gone.
public final class NamespacePair: Sendable {
    /// Source side IPv4 address (on `v0` in `source`).
    public static let sourceIPv4 = "198.18.0.1"
    /// Target side IPv4 address (on `v1` in `target`).
    public static let targetIPv4 = "198.18.0.2"
    /// Source side IPv6 address.
    public static let sourceIPv6 = "fd00:6e6d::1"
    /// Target side IPv6 address.
    public static let targetIPv6 = "fd00:6e6d::2"
    /// The prefix of every namespace the fixture creates.
    public static let prefix = "nmt-"

    /// Name of the source namespace.
    public let source: String
    /// Name of the target namespace.
    public let target: String
    private let destroyed = Mutex(false)

    private static let counter = Atomic<Int>(0)
    private static let staleCleanup: Void = NamespacePair.removeStale()

    /// Creates both namespaces, the veth pair, addresses and loopback; cleans up what it made if a step fails.
    public init() throws {
        _ = Self.staleCleanup
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        self.source = "\(Self.prefix)\(getpid())-\(number)-s"
        self.target = "\(Self.prefix)\(getpid())-\(number)-t"
        do {
            try Shell.run(["ip", "netns", "add", self.source])
            try Shell.run(["ip", "netns", "add", self.target])
            try Shell.run([
                "ip", "-n", self.source, "link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns",
                self.target,
            ])
            try Shell.run(["ip", "-n", self.source, "addr", "add", "\(Self.sourceIPv4)/24", "dev", "v0"])
            try Shell.run(["ip", "-n", self.target, "addr", "add", "\(Self.targetIPv4)/24", "dev", "v1"])
            try Shell.run(["ip", "-n", self.source, "addr", "add", "\(Self.sourceIPv6)/64", "dev", "v0", "nodad"])
            try Shell.run(["ip", "-n", self.target, "addr", "add", "\(Self.targetIPv6)/64", "dev", "v1", "nodad"])
            for (namespace, device) in [(self.source, "v0"), (self.target, "v1")] {
                try Shell.run(["ip", "-n", namespace, "link", "set", "lo", "up"])
                try Shell.run(["ip", "-n", namespace, "link", "set", device, "up"])
            }
            // Resolve neighbours (ARP, ND) and wait for the carrier while the kernel still answers echo, so the
            // first probes of a test do not sit in a neighbour queue.
            for address in [Self.targetIPv4, Self.targetIPv6] {
                var answered = false
                for _ in 0..<20 where !answered {
                    answered =
                        (try? self.run(
                            in: self.source, ["ping", "-n", "-q", "-c", "1", "-W", "1", address], check: true)) != nil
                }
                if !answered {
                    throw CommandError(
                        command: ["ping", address],
                        output: CommandOutput(status: 1, stdout: "", stderr: "the new veth path never answered"))
                }
            }
        } catch {
            self.destroy()
            throw error
        }
    }

    deinit { self.destroy() }

    /// Runs a command inside `namespace` (`ip netns exec`).
    @discardableResult
    public func run(in namespace: String, _ arguments: [String], check: Bool = true) throws -> CommandOutput {
        try Shell.run(["ip", "netns", "exec", namespace] + arguments, check: check)
    }

    /// Starts a long-running command inside `namespace`.
    public func start(in namespace: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(["ip", "netns", "exec", namespace] + arguments)
    }

    /// Starts `netmon lab responder` in the target namespace (kernel echo off there) and waits until it is ready.
    public func startResponder(
        delay: String, jitter: String = "0ms", distribution: String = "uniform", seed: UInt64 = 1
    )
        throws -> ChildProcess
    {
        let responder = try self.start(
            in: self.target,
            [
                NetmonBinary.path, "lab", "responder", "--delay", delay, "--jitter", jitter, "--distribution",
                distribution,
                "--seed", String(seed),
            ])
        try responder.waitForLine(startingWith: "ready")
        return responder
    }

    /// Drops `percent`% of incoming echo requests in the target namespace with nftables
    /// (`numgen random mod 100 < percent`), counting what it drops. Returns the table name.
    @discardableResult
    public func addRandomLoss(percent: Int) throws -> String {
        let table = "nmt_loss"
        try self.run(in: self.target, ["nft", "add", "table", "inet", table])
        try self.run(
            in: self.target,
            ["nft", "add", "chain", "inet", table, "input", "{ type filter hook input priority 0 ; policy accept ; }"])
        try self.run(
            in: self.target,
            [
                "nft", "add", "rule", "inet", table, "input", "icmp", "type", "echo-request", "numgen", "random", "mod",
                "100", "<", String(percent), "counter", "drop",
            ])
        try self.run(
            in: self.target,
            [
                "nft", "add", "rule", "inet", table, "input", "icmpv6", "type", "echo-request", "numgen", "random",
                "mod",
                "100", "<", String(percent), "counter", "drop",
            ])
        return table
    }

    /// Packets dropped so far by the rules of `addRandomLoss` (sum of their counters).
    public func droppedByLossRules(table: String = "nmt_loss") throws -> Int {
        let output = try self.run(in: self.target, ["nft", "list", "table", "inet", table]).stdout
        // Lines look like: `icmp type echo-request numgen random mod 100 < 5 counter packets 12 bytes 1008 drop`
        var total = 0
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            if let index = words.firstIndex(of: "packets"), index + 1 < words.count, let count = Int(words[index + 1]) {
                total += count
            }
        }
        return total
    }

    /// Kills what runs inside and deletes both namespaces (idempotent; nftables tables and veths go with them).
    public func destroy() {
        let already = self.destroyed.withLock { destroyed in
            defer { destroyed = true }
            return destroyed
        }
        guard !already else { return }
        for namespace in [self.source, self.target] {
            Self.delete(namespace: namespace)
        }
    }

    private static func delete(namespace: String) {
        if let pids = try? Shell.run(["ip", "netns", "pids", namespace], check: false).stdout {
            for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) {
                kill(pid, SIGKILL)
            }
        }
        _ = try? Shell.run(["ip", "netns", "del", namespace], check: false)
    }

    /// Deletes `nmt-<pid>-…` namespaces whose creating process no longer exists (left by a crashed run).
    public static func removeStale() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/run/netns") else { return }
        for name in names where name.hasPrefix(Self.prefix) {
            let parts = name.dropFirst(Self.prefix.count).split(separator: "-")
            guard let first = parts.first, let pid = Int32(first) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                self.delete(namespace: name)
            }
        }
    }
}

/// Runs `body` with a fresh namespace pair and always destroys it afterwards, also when `body` throws.
public func withNamespacePair<T>(_ body: (NamespacePair) async throws -> T) async throws -> T {
    let pair = try NamespacePair()
    defer { pair.destroy() }
    return try await body(pair)
}
