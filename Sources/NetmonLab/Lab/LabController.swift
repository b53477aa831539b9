import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Builds, inspects, impairs and removes one lab: a routed star of network namespaces (a data centre and one
/// namespace per commune gateway) joined by veth pairs, with delay and jitter from one user-space responder in the
/// data centre (per commune source subnet) and loss from nftables there (per commune link).
///
/// No namespace gets a default route or a link to the root namespace, except the optional host link, a /30 of
/// 198.19.255.0/24 (RFC 2544 benchmarking space) that exists only on this machine. State lives in
/// `<stateRoot>/<lab>/` (`lab.json`, `responder.log`); everything else is found by its `nml-<lab>-` prefix, so
/// `down` works after a crash too.
public struct LabController: Sendable {
    /// Where lab state folders live unless told otherwise.
    public static let defaultStateRoot = "/run/netmon-lab"

    /// Names of this lab's namespaces and links.
    public let names: LabNames
    /// This lab's state folder.
    public let stateDirectory: String

    /// A controller for lab `lab` with state under `stateRoot`.
    public init(lab: String = LabNames.defaultLab, stateRoot: String = LabController.defaultStateRoot) throws(LabError)
    {
        self.names = try LabNames(lab: lab)
        self.stateDirectory = (stateRoot as NSString).appendingPathComponent(lab)
    }

    /// The state file.
    public var statePath: String { (self.stateDirectory as NSString).appendingPathComponent("lab.json") }
    /// The responder's log.
    public var responderLogPath: String { (self.stateDirectory as NSString).appendingPathComponent("responder.log") }

    /// Throws unless running as root (namespaces, veths and nftables need CAP_SYS_ADMIN and CAP_NET_ADMIN).
    public static func requireRoot() throws(LabError) {
        guard geteuid() == 0 else {
            throw LabError(
                .notPermitted,
                "the lab creates network namespaces, veth links and nftables tables, which needs root; run it with sudo",
                context: "uid \(geteuid())")
        }
    }

    // MARK: up

    /// Builds the lab and starts its responder; on any failure removes what it built and rethrows.
    /// - Parameters:
    ///   - responderCommand: how to run `netmon` (its executable path); the responder runs as
    ///     `ip netns exec nml-<lab>-dc <netmon> lab responder --lab-state <state file> …`.
    ///   - hostLink: also create the host link (for a server on the host).
    public func up(
        plan: LabPlan, impairments: [String: Impairment] = [:], hostLink: Bool = false, netmonExecutable: String
    )
        throws(LabError) -> LabState
    {
        try Self.requireRoot()
        if FileManager.default.fileExists(atPath: self.statePath) && self.namespaceExists(self.names.datacenter) {
            throw LabError(
                .invalidState, "lab '\(self.names.lab)' is already up; run `netmon lab down` first",
                context: self.statePath)
        }
        for code in impairments.keys where plan.commune(code: code) == nil {
            throw LabError(
                .invalidArgument, "impairment for a commune that is not in the lab", context: "commune \(code)")
        }
        // Whatever a crashed run of the same lab left behind goes first.
        _ = self.down()
        do {
            return try self.build(
                plan: plan, impairments: impairments, hostLink: hostLink, netmonExecutable: netmonExecutable)
        } catch {
            _ = self.down()
            throw error
        }
    }

    private func build(
        plan: LabPlan, impairments: [String: Impairment], hostLink wantsHostLink: Bool, netmonExecutable: String
    )
        throws(LabError) -> LabState
    {
        do {
            try FileManager.default.createDirectory(atPath: self.stateDirectory, withIntermediateDirectories: true)
        } catch {
            throw LabError(.invalidState, "cannot create the state folder: \(error)", context: self.stateDirectory)
        }
        let dc = self.names.datacenter
        // Namespaces.
        try LabShell.ipBatch(
            namespace: nil, ["netns add \(dc)"] + plan.communes.map { "netns add \(self.names.commune($0.code))" })
        // Data centre: the hub and services as host addresses on loopback (this kernel has no dummy devices), one
        // veth per commune (its peer created straight inside the commune, so the root namespace never holds it).
        var dcLines = ["link set lo up"]
        for address in plan.datacenterAddresses {
            dcLines.append("addr add \(address)/32 dev lo")
        }
        for commune in plan.communes {
            let interface = LabNames.datacenterInterface(commune.code)
            dcLines += [
                "link add \(interface) type veth peer name \(LabNames.communeInterface) netns \(self.names.commune(commune.code))",
                "addr add \(commune.datacenterLinkAddress)/31 dev \(interface)",
                "link set \(interface) up",
            ]
        }
        try LabShell.ipBatch(namespace: dc, dcLines)
        // Communes: the gateway address on loopback, the link, and one route: to the data centre subnet.
        for commune in plan.communes {
            try LabShell.ipBatch(
                namespace: self.names.commune(commune.code),
                [
                    "link set lo up",
                    "addr add \(commune.gateway)/32 dev lo",
                    "addr add \(commune.communeLinkAddress)/31 dev \(LabNames.communeInterface)",
                    "link set \(LabNames.communeInterface) up",
                    "route add \(plan.datacenterSubnet) via \(commune.datacenterLinkAddress) src \(commune.gateway)",
                ])
        }
        // Data centre routes back to each commune subnet.
        try LabShell.ipBatch(
            namespace: dc,
            plan.communes.map {
                "route add \($0.subnet) via \($0.communeLinkAddress) dev \(LabNames.datacenterInterface($0.code))"
            })
        // Host link.
        var hostLink: LabState.HostLink?
        if wantsHostLink {
            hostLink = try self.buildHostLink(plan: plan)
        }
        // Warm the neighbour tables while the kernel still answers echo, so first probes do not wait for ARP.
        for commune in plan.communes {
            _ = try? LabShell.run(
                [
                    "ip", "netns", "exec", self.names.commune(commune.code), "ping", "-n", "-q", "-c", "1", "-W", "1",
                    plan.datacenterAddresses[0],
                ], check: false)
        }
        // Loss rules, after the warm-up so that their counters count only what the lab's users send.
        try LabShell.nft(namespace: dc, LossRules.script(plan: plan, impairments: impairments))
        let formatter = ISO8601DateFormatter()
        let state = LabState(
            lab: self.names.lab, plan: plan, impairments: impairments, hostLink: hostLink,
            createdAt: formatter.string(from: Date()))
        try state.write(path: self.statePath)
        try self.startResponder(plan: plan, netmonExecutable: netmonExecutable)
        return state
    }

    /// Serialises the choice of a host link's /30 between labs coming up at the same time (`ip addr add` takes the
    /// same address on a second interface without complaint, and two labs would then share one).
    static let hostLinkLockPath = "/run/netmon-lab-host-link.lock"

    private func buildHostLink(plan: LabPlan) throws(LabError) -> LabState.HostLink {
        let lock = open(Self.hostLinkLockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if lock >= 0 {
            while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        }
        defer { if lock >= 0 { close(lock) } }  // closing releases the lock
        // The first free /30 of 198.19.255.0/24 on this machine.
        let used = (try? LabShell.run(["ip", "-4", "-o", "addr", "show"], check: false).stdout) ?? ""
        var chosen: Int?
        for block in 0..<64 where !used.contains("198.19.255.\(block * 4 + 1)/30") {
            chosen = block
            break
        }
        guard let block = chosen else {
            throw LabError(.invalidState, "no free /30 left in 198.19.255.0/24 for a host link", context: "host link")
        }
        let link = LabState.HostLink(
            hostInterface: self.names.hostInterface, hostAddress: "198.19.255.\(block * 4 + 1)",
            datacenterAddress: "198.19.255.\(block * 4 + 2)", subnet: "198.19.255.\(block * 4)/30")
        let dc = self.names.datacenter
        try LabShell.ipBatch(
            namespace: nil,
            [
                "link add \(link.hostInterface) type veth peer name \(LabNames.datacenterHostInterface) netns \(dc)",
                "addr add \(link.hostAddress)/30 dev \(link.hostInterface)",
                "link set \(link.hostInterface) up",
            ])
        try LabShell.ipBatch(
            namespace: dc,
            [
                "addr add \(link.datacenterAddress)/30 dev \(LabNames.datacenterHostInterface)",
                "link set \(LabNames.datacenterHostInterface) up",
            ])
        try LabShell.run(["ip", "netns", "exec", dc, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])
        try LabShell.nft(namespace: dc, LossRules.natScript())
        // Each commune reaches the host's /30 through the data centre (and nothing else beyond it).
        for commune in plan.communes {
            try LabShell.run([
                "ip", "-n", self.names.commune(commune.code), "route", "add", link.subnet, "via",
                commune.datacenterLinkAddress,
                "src", commune.gateway,
            ])
        }
        return link
    }

    private func startResponder(plan: LabPlan, netmonExecutable: String) throws(LabError) {
        _ = FileManager.default.createFile(atPath: self.responderLogPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: self.responderLogPath) else {
            throw LabError(.invalidState, "cannot open the responder log", context: self.responderLogPath)
        }
        var arguments = [
            "setsid", "ip", "netns", "exec", self.names.datacenter, netmonExecutable, "lab", "responder", "--lab-state",
            self.statePath,
        ]
        for service in plan.tcpServices {
            arguments += ["--tcp-listen", "\(service.address):\(service.port)"]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw LabError(
                .commandFailed, "cannot start the responder: \(error)", context: arguments.joined(separator: " "))
        }
        try? log.close()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: self.responderLogPath, encoding: .utf8)) ?? ""
            if text.split(separator: "\n").contains(where: { $0.hasPrefix("ready") }) { return }
            if !process.isRunning {
                throw LabError(.commandFailed, "the responder exited: \(text)", context: self.responderLogPath)
            }
            usleep(20_000)
        }
        throw LabError(.commandFailed, "the responder did not become ready within 10 s", context: self.responderLogPath)
    }

    // MARK: impair

    /// Changes one commune's impairment while the lab runs: nftables at once, the responder within ~100 ms.
    @discardableResult
    public func impair(code: String, _ impairment: Impairment) throws(LabError) -> LabState {
        try Self.requireRoot()
        var state = try LabState.read(path: self.statePath)
        guard state.plan.commune(code: code) != nil else {
            throw LabError(
                .notFound, "no commune with this code in lab '\(self.names.lab)'", context: "commune \(code)")
        }
        state.impairments[code] = impairment
        try LabShell.nft(
            namespace: self.names.datacenter, LossRules.script(plan: state.plan, impairments: state.impairments))
        try state.write(path: self.statePath)
        // The responder polls the file's modification time every 100 ms; give it that long.
        usleep(250_000)
        return state
    }

    // MARK: status

    /// What the lab looks like now.
    public struct Status: Sendable {
        /// The state file's content.
        public var state: LabState
        /// Namespaces of this lab that exist.
        public var namespaces: [String]
        /// Process ids running inside the data centre namespace (the responder).
        public var responderPIDs: [Int32]
        /// Packets dropped by the loss rules so far, per commune code.
        public var dropped: [String: Int]
        /// Communes whose namespace is missing.
        public var missing: [String]
    }

    /// Reads the state and checks it against the kernel.
    public func status() throws(LabError) -> Status {
        try Self.requireRoot()
        let state = try LabState.read(path: self.statePath)
        let namespaces = self.namespaces()
        let pids = self.pids(in: self.names.datacenter)
        let listing =
            (try? LabShell.run(
                ["ip", "netns", "exec", self.names.datacenter, "nft", "list", "table", "inet", LabNames.lossTable],
                check: false
            ).stdout) ?? ""
        let missing = state.plan.communes.map(\.code).filter { !namespaces.contains(self.names.commune($0)) }
        return Status(
            state: state, namespaces: namespaces, responderPIDs: pids,
            dropped: LossRules.droppedCounts(listing: listing),
            missing: missing)
    }

    // MARK: down

    /// What `down` removed.
    public struct Removal: Sendable {
        /// Namespaces deleted.
        public var namespaces: [String] = []
        /// Processes killed.
        public var processes: [Int32] = []
        /// Host links deleted.
        public var hostLinks: [String] = []
        /// Whether a state folder was removed.
        public var stateRemoved = false
        /// What could not be removed.
        public var failures: [String] = []
    }

    /// Removes every trace of this lab, found by prefix (no state needed): processes inside its namespaces, the
    /// namespaces (their veths and nftables tables go with them), the host link, the state folder. Never throws:
    /// what fails is listed in the result.
    public func down() -> Removal {
        var removal = Removal()
        let namespaces = self.namespaces()
        // Processes first, everywhere, so none is left holding a namespace.
        for namespace in namespaces {
            let pids = self.pids(in: namespace)
            for pid in pids { kill(pid, SIGTERM) }
            removal.processes += pids
        }
        if !removal.processes.isEmpty {
            let deadline = Date().addingTimeInterval(2)
            while Date() < deadline && removal.processes.contains(where: { kill($0, 0) == 0 }) { usleep(20_000) }
            for pid in removal.processes where kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
        for namespace in namespaces {
            let result = try? LabShell.run(["ip", "netns", "del", namespace], check: false)
            if result?.status == 0 {
                removal.namespaces.append(namespace)
            } else {
                removal.failures.append("namespace \(namespace): \(result?.stderr ?? "ip netns del failed")")
            }
        }
        let hostInterface = self.names.hostInterface
        if (try? LabShell.run(["ip", "link", "show", "dev", hostInterface], check: false).status) == 0 {
            // Usually already gone with its peer's namespace.
            if (try? LabShell.run(["ip", "link", "del", "dev", hostInterface], check: false).status) == 0 {
                removal.hostLinks.append(hostInterface)
            }
        }
        if FileManager.default.fileExists(atPath: self.stateDirectory) {
            do {
                try FileManager.default.removeItem(atPath: self.stateDirectory)
                removal.stateRemoved = true
            } catch {
                removal.failures.append("state folder \(self.stateDirectory): \(error)")
            }
        }
        return removal
    }

    /// Every lab that has namespaces on this machine (by the `nml-` prefix), for `down --all`.
    public static func labsPresent() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        var labs: Set<String> = []
        for name in names where name.hasPrefix(LabNames.namespacePrefix) {
            let rest = name.dropFirst(LabNames.namespacePrefix.count)
            if let dash = rest.firstIndex(of: "-") { labs.insert(String(rest[..<dash])) }
        }
        return labs.sorted()
    }

    // MARK: helpers

    /// This lab's namespaces that exist now.
    public func namespaces() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        return names.filter { $0.hasPrefix(self.names.prefix) }.sorted()
    }

    /// The namespace of commune `code`.
    public func namespace(of code: String) -> String { self.names.commune(code) }

    private func namespaceExists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/run/netns/\(name)")
    }

    private func pids(in namespace: String) -> [Int32] {
        let output = (try? LabShell.run(["ip", "netns", "pids", namespace], check: false).stdout) ?? ""
        return output.split(separator: "\n").compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
    }
}
