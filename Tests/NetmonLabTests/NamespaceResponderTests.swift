import Foundation
import TestSupport
import Testing

@testable import NetmonLab

@Suite(
    "Namespace fixture and the delay responder",
    .enabled(if: Privileges.canCreateNamespaces, "\(Privileges.namespaceSkipReason)"))
struct NamespaceResponderTests {
    @Test("a pair is created with a working path, and destroy() removes both namespaces")
    func createAndDestroy() throws {
        let pair = try NamespacePair()
        #expect(pair.source.hasPrefix("nmt-") && pair.target.hasPrefix("nmt-") && pair.source != pair.target)
        let listed = try Shell.run(["ip", "netns", "list"]).stdout
        #expect(listed.contains(pair.source) && listed.contains(pair.target))
        // Kernel echo is still on here: one quick ping each way proves the veth path.
        try pair.run(in: pair.source, ["ping", "-c", "1", "-W", "2", NamespacePair.targetIPv4])
        try pair.run(in: pair.source, ["ping", "-c", "1", "-W", "2", NamespacePair.targetIPv6])
        // No route out: an address beyond the pair is unreachable from inside.
        let outside = try pair.run(in: pair.source, ["ping", "-c", "1", "-W", "1", "192.0.2.1"], check: false)
        #expect(outside.status != 0)
        pair.destroy()
        let after = try Shell.run(["ip", "netns", "list"]).stdout
        #expect(!after.contains(pair.source) && !after.contains(pair.target))
    }

    @Test("stale nmt- namespaces of dead processes are removed; live ones are kept")
    func staleCleanup() throws {
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let staleName = "nmt-\(dead.processIdentifier)-99-s"
        try Shell.run(["ip", "netns", "add", staleName])
        defer { _ = try? Shell.run(["ip", "netns", "del", staleName], check: false) }
        let live = try NamespacePair()
        defer { live.destroy() }
        NamespacePair.removeStale()
        let listed = try Shell.run(["ip", "netns", "list"]).stdout
        #expect(!listed.contains(staleName))
        #expect(listed.contains(live.source))
    }

    @Test("the responder replaces kernel echo: 20 ms fixed delay, one reply per request, v4 and v6")
    func responderDelay() async throws {
        try await withNamespacePair { pair in
            let responder = try pair.startResponder(delay: "20ms")
            defer { responder.stop() }
            for address in [NamespacePair.targetIPv4, NamespacePair.targetIPv6] {
                let output = try pair.run(
                    in: pair.source, ["ping", "-n", "-c", "20", "-i", "0.01", "-W", "1", address])
                let rtts = output.stdout.split(separator: "\n").compactMap { line -> Double? in
                    guard let range = line.range(of: "time=") else { return nil }
                    return Double(line[range.upperBound...].split(separator: " ")[0])
                }
                #expect(rtts.count == 20, "\(output.stdout)")
                #expect(!output.stdout.contains("DUP!"), "the kernel answered too")
                let sorted = rtts.sorted()
                let median = (sorted[9] + sorted[10]) / 2
                #expect(median >= 20 && median < 21.5, "median \(median) ms of \(rtts)")
            }
        }
    }

    @Test("jitter of the responder follows its seed: RTT_k − drawn delay_k is nearly constant")
    func responderJitter() async throws {
        try await withNamespacePair { pair in
            let responder = try pair.startResponder(delay: "10ms", jitter: "2ms", seed: 5)
            defer { responder.stop() }
            let output = try pair.run(
                in: pair.source, ["ping", "-n", "-c", "60", "-i", "0.005", "-W", "1", NamespacePair.targetIPv4])
            let rtts = output.stdout.split(separator: "\n").compactMap { line -> Double? in
                guard let range = line.range(of: "time=") else { return nil }
                return Double(line[range.upperBound...].split(separator: " ")[0])
            }
            #expect(rtts.count == 60)
            // The responder draws one delay per request in arrival order from SplitMix64(seed: 5).
            var generator = SplitMix64(seed: 5)
            let model = DelayModel(delay: 0.010, jitter: 0.002)
            let drawn = (0..<rtts.count).map { _ in model.draw(using: &generator) * 1000 }
            #expect(drawn.max()! - drawn.min()! > 3.5)  // the draws do spread over most of ±2 ms
            let residuals = zip(rtts, drawn).map { $0 - $1 }.sorted()
            let median = residuals[residuals.count / 2]
            #expect(median > 0 && median < 1, "path + scheduling overhead \(median) ms")
            // ping prints RTTs to 0.1 ms at this size; a loaded machine delays a few replies more.
            let close = residuals.filter { abs($0 - median) < 0.3 }.count
            #expect(close >= rtts.count * 3 / 4, "residuals \(residuals)")
        }
    }

    @Test("nftables random loss drops a share of echo requests and counts them")
    func randomLoss() async throws {
        try await withNamespacePair { pair in
            try pair.addRandomLoss(percent: 50)
            let output = try pair.run(
                in: pair.source,
                ["ping", "-n", "-q", "-c", "100", "-i", "0.002", "-W", "0.2", NamespacePair.targetIPv4], check: false)
            let dropped = try pair.droppedByLossRules()
            #expect(output.stdout.contains("\(100 - dropped) received"), "\(output.stdout) dropped=\(dropped)")
            #expect(dropped > 20 && dropped < 80)
        }
    }
}
