import Foundation
import SiteCatalog
import TestSupport
import Testing

@testable import NetmonLab

@Suite(
    "netmon lab in real namespaces: up, ping, impair, down",
    .enabled(if: Privileges.canCreateNamespaces, "\(Privileges.namespaceSkipReason)"))
struct LabNamespaceTests {
    /// Pings `address` from inside `namespace` with iputils ping; RTTs in ms.
    private func ping(_ namespace: String, _ address: String, count: Int, interval: String = "0.01") throws -> [Double]
    {
        let output = try Shell.run(
            ["ip", "netns", "exec", namespace, "ping", "-n", "-c", String(count), "-i", interval, "-W", "1", address],
            check: false)
        #expect(!output.stdout.contains("DUP!"), "the kernel answered as well as the responder")
        return LabFixtures.pingResults(output.stdout).rtts
    }

    private func everythingGone(_ controller: LabController, responder: [Int32]) throws {
        let namespaces = try Shell.run(["ip", "netns", "list"]).stdout
        #expect(!namespaces.contains(controller.names.prefix), "\(namespaces)")
        let links = try Shell.run(["ip", "-o", "link", "show"]).stdout
        #expect(!links.contains(controller.names.hostInterface))
        #expect(!links.contains("@nml-") && !links.contains(controller.names.prefix))
        // nftables tables lived in the data centre namespace: the root namespace never had one.
        let tables = try Shell.run(["nft", "list", "tables"]).stdout
        #expect(!tables.contains(LabNames.lossTable) && !tables.contains(LabNames.natTable))
        for pid in responder { #expect(kill(pid, 0) != 0, "responder \(pid) still alive") }
        #expect(!FileManager.default.fileExists(atPath: controller.stateDirectory))
    }

    @Test("three communes: per-commune delay, jitter and loss as set; live impair; no route out; down leaves nothing")
    func upImpairDown() throws {
        let root = LabFixtures.stateRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let controller = try LabController(lab: LabFixtures.uniqueLab(), stateRoot: root)
        defer { _ = controller.down() }
        let plan = try LabPlan.make(config: try LabFixtures.config())
        _ = try controller.up(
            plan: plan,
            impairments: ["11977": Impairment(delay: 0.030, jitter: 0.002), "11980": Impairment(delay: 0, loss: 0.30)],
            netmonExecutable: NetmonBinary.path)
        let status = try controller.status()
        #expect(status.namespaces.count == 4 && status.missing.isEmpty && status.responderPIDs.count >= 1)

        // Healthy commune: sub-few-ms to the hub and to a service address.
        let healthy = try self.ping(controller.namespace(of: "11953"), "10.33.0.1", count: 20)
        #expect(healthy.count == 20 && LabFixtures.median(healthy) < 5, "\(healthy)")
        #expect(try self.ping(controller.namespace(of: "11953"), "10.33.0.53", count: 5).count == 5)
        // Slow commune: 30 ms ± 2 ms.
        let slow = try self.ping(controller.namespace(of: "11977"), "10.33.0.1", count: 40)
        #expect(slow.count == 40)
        #expect(LabFixtures.median(slow) > 29 && LabFixtures.median(slow) < 33, "\(slow)")
        #expect(slow.min()! > 27.5 && slow.max()! - slow.min()! > 1.5, "jitter spread \(slow)")
        // Lossy commune: 30 % of 200 (binomial σ ≈ 6.5; bounds at ~4.5 σ), and the counter agrees with ping.
        let lossy = try self.ping(controller.namespace(of: "11980"), "10.33.0.1", count: 200, interval: "0.005")
        let lost = 200 - lossy.count
        #expect(lost > 30 && lost < 90, "lost \(lost) of 200")
        #expect(try controller.status().dropped["11980"] == lost)

        // Live change: the healthy commune becomes slow and lossy; the lossy one healthy.
        try controller.impair(code: "11953", Impairment(delay: 0.015, loss: 0.5))
        try controller.impair(code: "11980", .none)
        let changed = try self.ping(controller.namespace(of: "11953"), "10.33.0.1", count: 200, interval: "0.005")
        #expect(changed.count > 55 && changed.count < 145, "received \(changed.count) of 200 at 50 % loss")
        #expect(LabFixtures.median(changed) > 14.5 && LabFixtures.median(changed) < 17.5, "\(changed)")
        #expect(try self.ping(controller.namespace(of: "11980"), "10.33.0.1", count: 50, interval: "0.005").count == 50)
        #expect(throws: LabError.self) { try controller.impair(code: "99999", .none) }

        // TCP service answered by the data centre's listener.
        let tcp = try Shell.run(
            [
                "ip", "netns", "exec", controller.namespace(of: "11980"), "bash", "-c",
                "timeout 2 bash -c '</dev/tcp/10.33.0.10/443'",
            ],
            check: false)
        #expect(tcp.status == 0, "\(tcp.stderr)")
        // Nothing beyond the star: no route out, and no commune-to-commune forwarding without a host link.
        #expect(
            try Shell.run(["ip", "netns", "exec", controller.namespace(of: "11953"), "ip", "route"]).stdout.split(
                separator: "\n"
            ).count == 2)
        let out = try Shell.run(
            ["ip", "netns", "exec", controller.namespace(of: "11953"), "ping", "-c", "1", "-W", "1", "192.0.2.1"],
            check: false)
        #expect(out.status != 0)
        let across = try Shell.run(
            ["ip", "netns", "exec", controller.namespace(of: "11953"), "ping", "-c", "1", "-W", "1", "10.33.2.1"],
            check: false)
        #expect(across.status != 0)

        let pids = status.responderPIDs
        let removal = controller.down()
        #expect(removal.namespaces.count == 4 && removal.failures.isEmpty && removal.stateRemoved)
        try self.everythingGone(controller, responder: pids)
    }

    @Test(
        "after a crash (state folder lost, responder left running) down still removes everything by prefix; up replaces stale leftovers"
    )
    func downAfterCrash() throws {
        let root = LabFixtures.stateRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let controller = try LabController(lab: LabFixtures.uniqueLab(), stateRoot: root)
        defer { _ = controller.down() }
        let plan = try LabPlan.make(config: try LabFixtures.config(), communeCount: 2)
        _ = try controller.up(plan: plan, netmonExecutable: NetmonBinary.path)
        let pids = try controller.status().responderPIDs
        #expect(!pids.isEmpty)
        // A second up of the same lab refuses.
        let again = #expect(throws: LabError.self) {
            try controller.up(plan: plan, netmonExecutable: NetmonBinary.path)
        }
        #expect(again?.code == .invalidState)
        // The crash: state gone, namespaces and responder still there; a new up cleans and rebuilds.
        try FileManager.default.removeItem(atPath: controller.stateDirectory)
        _ = try controller.up(plan: plan, netmonExecutable: NetmonBinary.path)
        for pid in pids { #expect(kill(pid, 0) != 0, "stale responder \(pid) survived up") }
        let newPIDs = try controller.status().responderPIDs
        try FileManager.default.removeItem(atPath: controller.stateDirectory)
        let removal = controller.down()
        #expect(removal.namespaces.count == 3 && removal.processes.count >= 1)
        try self.everythingGone(controller, responder: newPIDs)
    }

    @Test(
        "host link: a commune reaches a listener on the host's /30 address, masqueraded; the host has no route to 10.33"
    )
    func hostLink() throws {
        let root = LabFixtures.stateRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let controller = try LabController(lab: LabFixtures.uniqueLab(), stateRoot: root)
        defer { _ = controller.down() }
        let plan = try LabPlan.make(config: try LabFixtures.config(), communeCount: 2)
        let state = try controller.up(plan: plan, hostLink: true, netmonExecutable: NetmonBinary.path)
        let link = try #require(state.hostLink)
        #expect(link.hostAddress.hasPrefix("198.19.255."))
        let port = 20_000 + Int(getpid() % 20_000)
        let listener = try TCPServiceListener(address: link.hostAddress, port: UInt16(port))
        defer { listener.stop() }
        let connect = try Shell.run(
            [
                "ip", "netns", "exec", controller.namespace(of: "11953"), "bash", "-c",
                "timeout 2 bash -c '</dev/tcp/\(link.hostAddress)/\(port)'",
            ], check: false)
        #expect(connect.status == 0, "\(connect.stderr)")
        let hostRoutes = try Shell.run(["ip", "route", "show", "table", "all"]).stdout
        #expect(!hostRoutes.contains("10.33."), "\(hostRoutes)")
        _ = controller.down()
        try self.everythingGone(controller, responder: [])
    }

    @Test("without root, netmon lab up says so and exits 3 having created nothing")
    func needsRoot() throws {
        let output = try Shell.run(
            [
                "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", NetmonBinary.path, "lab", "up",
                "--config",
                "/nonexistent.yaml", "--lab", "nonroot",
            ], check: false)
        // The config is read first; a missing file exits 2, so check with a real file instead when one is readable.
        #expect(output.status == 2 || output.status == 3)
        let dir = LabFixtures.stateRoot()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try LabFixtures.yaml.write(toFile: dir + "/sites.yaml", atomically: true, encoding: .utf8)
        try Shell.run(["chmod", "-R", "a+rX", dir])
        let denied = try Shell.run(
            [
                "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", NetmonBinary.path, "lab", "up",
                "--config",
                dir + "/sites.yaml", "--lab", "nonroot", "--state-dir", dir,
            ], check: false)
        #expect(denied.status == 3, "\(denied.stderr)")
        #expect(denied.stderr.contains("needs root"))
        #expect(!(try Shell.run(["ip", "netns", "list"]).stdout.contains("nml-nonroot-")))
    }
}
