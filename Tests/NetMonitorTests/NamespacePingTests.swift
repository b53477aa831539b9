import Foundation
import NetworkAddress
import TestSupport
import Testing

@testable import NetMonitor
@testable import NetmonLab

/// netmon ping through real namespaces: a delay responder, nftables loss, ICMP errors; compared with iputils
/// ping and with the known truth.
@Suite(
    "netmon ping through network namespaces", .serialized,
    .enabled(if: Privileges.canCreateNamespaces, "\(Privileges.namespaceSkipReason)"))
struct NamespacePingTests {
    @Test("20 ms fixed delay: netmon's median is within 0.1 ms of iputils ping's on the same path (v4 and v6)")
    func medianAgreesWithPing() async throws {
        try await withNamespacePair { pair in
            let responder = try pair.startResponder(delay: "20ms")
            defer { responder.stop() }
            for address in [NamespacePair.targetIPv4, NamespacePair.targetIPv6] {
                // Interleave the two tools so a change in machine load hits both alike.
                var pingRTTs: [Double] = []
                var netmonMedians: [Double] = []
                var netmonReceived = 0
                for _ in 0..<3 {
                    let run = try runNetmonPing(["-c", "40", "-p", "25", address], in: pair.source)
                    let target = try #require(run.targets.first)
                    #expect(run.status == 0, "\(run.stderr)")
                    netmonReceived += target.received
                    netmonMedians.append(try #require(target.rttMs).median)
                    pingRTTs += try iputilsPingRTTs(pair: pair, address: address, count: 40)
                }
                #expect(netmonReceived == 120)
                #expect(pingRTTs.count == 120)
                let netmonMedian = medianOf(netmonMedians)
                let pingMedian = medianOf(pingRTTs)
                #expect(netmonMedian > 20 && netmonMedian < 21)
                // 0.1 ms (0.5 % of the delay): the user-space responder's scheduling on a 2-core machine moved the
                // two tools' medians apart by 0.054 ms once, with nothing else running.
                #expect(
                    abs(netmonMedian - pingMedian) <= 0.1,
                    "\(address): netmon \(netmonMedian) ms vs ping \(pingMedian) ms")
            }
        }
    }

    @Test(
        "±2 ms uniform jitter and 5% nftables loss: loss equals what nftables dropped; jitter and PDV match the responder's seeded draws",
        arguments: [ICMPSocket.ModePreference.raw, .datagram])
    func jitterAndLoss(socket: ICMPSocket.ModePreference) async throws {
        try await withNamespacePair { pair in
            let seed: UInt64 = 11
            let responder = try pair.startResponder(delay: "10ms", jitter: "2ms", seed: seed)
            defer { responder.stop() }
            try pair.addRandomLoss(percent: 5)
            // Datagram ICMP sockets need ping_group_range to include our group (root here): it is per namespace.
            if socket == .datagram {
                try pair.run(in: pair.source, ["sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647"])
            }
            let address = try #require(IPAddress(NamespacePair.targetIPv4))
            let options = ProbeOptions(
                count: 500, period: 0.004, interval: 0.001, timeout: 0.3, socketPreference: socket)
            // The engine's sockets are opened inside the source namespace; it then runs in-process.
            let engine = try NetworkNamespaceThread.run(in: pair.source) {
                try ProbeEngine(
                    endpoints: [ProbeEndpoint(label: "target", address: address)], options: options, emitsEvents: false)
            }
            #expect(engine.socketModes[.v4] == (socket == .raw ? .raw : .datagram))
            await engine.run()
            let report = try #require(engine.snapshot().first)
            let dropped = try pair.droppedByLossRules()
            #expect(report.counts.sent == 500)
            // Every probe nftables let through was answered; every dropped one is lost, none counted twice.
            #expect(report.counts.lost == dropped, "lost \(report.counts.lost), dropped \(dropped)")
            #expect(report.counts.duplicates == 0)
            #expect(dropped >= 8 && dropped <= 50, "5% of 500 is 25 ± 3σ (σ ≈ 4.9)")

            // Truth: the responder draws one delay per request it sees, in arrival order, from SplitMix64(seed).
            var generator = SplitMix64(seed: seed)
            let model = DelayModel(delay: 0.010, jitter: 0.002)
            let drawn = (0..<report.counts.received).map { _ in model.draw(using: &generator) }
            let rtts = report.rttsInSendOrder
            #expect(rtts.count == drawn.count)
            // Per probe, RTT − drawn delay is the path and scheduling overhead: small and steady.
            let residuals = zip(rtts, drawn).map { $0 - $1 }
            let sortedResiduals = residuals.sorted()
            let typical = sortedResiduals[sortedResiduals.count / 2]
            #expect(typical > 0 && typical < 0.001, "overhead \(typical * 1000) ms")
            let steady = residuals.filter { abs($0 - typical) < 0.0003 }.count
            // (On an idle machine nearly all are; a machine busy with other work delays some replies.)
            #expect(
                steady >= residuals.count * 2 / 3,
                "\(steady) of \(residuals.count) probes within 0.3 ms of the typical overhead")

            // RFC 3550 jitter is a positive-weighted sum of |ΔRTT| ≤ |Δdrawn| + |Δresidual|, so netmon's jitter
            // lies within the residual series' own jitter of the truth; both near 4/3 ms, E|X−Y| for U(−2, 2) ms.
            let stats = report.statistics
            let jitter = try #require(stats.jitter)
            let truthJitter = try #require(InterarrivalJitter.of(drawn))
            let noiseJitter = try #require(InterarrivalJitter.of(residuals))
            #expect(
                abs(jitter - truthJitter) <= noiseJitter + 1e-12,
                "jitter \(jitter * 1000) ms, truth \(truthJitter * 1000) ms, noise \(noiseJitter * 1000) ms")
            #expect(abs(jitter - truthJitter) < 0.0005)
            #expect(abs(truthJitter - 0.004 / 3) < 0.0004)
            // PDV (p99 − min): the truth's, give or take the spread of the overhead.
            let pdv = try #require(stats.pdv)
            let truthPDV = try #require(PacketDelayVariation.of(drawn))
            let noiseSpread = sortedResiduals[sortedResiduals.count * 99 / 100] - sortedResiduals[0]
            #expect(
                abs(pdv - truthPDV) <= noiseSpread + 0.0001,
                "PDV \(pdv * 1000) ms, truth \(truthPDV * 1000) ms, overhead spread \(noiseSpread * 1000) ms")
            #expect(abs(truthPDV - 0.004) < 0.0003)
        }
    }

    @Test(
        "ICMP errors are reported per target: unreachable via nftables reject (raw and datagram, v4 and v6)",
        arguments: ["raw", "datagram"])
    func icmpErrors(socket: String) async throws {
        try await withNamespacePair { pair in
            let table = "nmt_reject"
            try pair.run(in: pair.target, ["nft", "add", "table", "inet", table])
            try pair.run(
                in: pair.target,
                ["nft", "add", "chain", "inet", table, "input", "{ type filter hook input priority 0 ; }"])
            try pair.run(
                in: pair.target,
                [
                    "nft", "add", "rule", "inet", table, "input", "icmp", "type", "echo-request", "reject", "with",
                    "icmp", "type", "host-unreachable",
                ])
            try pair.run(
                in: pair.target,
                [
                    "nft", "add", "rule", "inet", table, "input", "icmpv6", "type", "echo-request", "reject", "with",
                    "icmpv6", "type", "admin-prohibited",
                ])
            if socket == "datagram" {
                try pair.run(in: pair.source, ["sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647"])
            }
            let run = try runNetmonPing(
                [
                    "-c", "4", "-p", "10", "-t", "200", "--socket", socket, NamespacePair.targetIPv4,
                    NamespacePair.targetIPv6,
                ],
                in: pair.source)
            #expect(run.status == 1)
            let v4 = try #require(run.targets.first { $0.address == NamespacePair.targetIPv4 })
            let v6 = try #require(run.targets.first { $0.address == NamespacePair.targetIPv6 })
            #expect(v4.sent == 4 && v4.received == 0 && v4.rttMs == nil && v4.lossRatio == 1)
            #expect(
                v4.errors.map(\.message) == [
                    "destination unreachable (host unreachable) from \(NamespacePair.targetIPv4)"
                ])
            #expect(v4.errors.first?.count == 4)
            #expect(
                v6.errors.map(\.message) == [
                    "destination unreachable (administratively prohibited) from \(NamespacePair.targetIPv6)"
                ])
            #expect(v6.errors.first?.count == 4)
        }
    }

    @Test(
        "timeouts: with 20 ± 10 ms replies and a 20 ms timeout, each probe is answered or lost by its own round trip, once"
    )
    func timeoutBoundary() async throws {
        try await withNamespacePair { pair in
            let seed: UInt64 = 5
            let responder = try pair.startResponder(delay: "20ms", jitter: "10ms", seed: seed)
            defer { responder.stop() }
            let address = try #require(IPAddress(NamespacePair.targetIPv4))
            // Replies come back while later probes are sent and after the last one; the probing thread reads them
            // all itself, late ones included.
            let count = 200
            let options = ProbeOptions(count: count, period: 0.004, interval: 0.001, timeout: 0.02)
            let engine = try NetworkNamespaceThread.run(in: pair.source) {
                try ProbeEngine(endpoints: [ProbeEndpoint(label: "target", address: address)], options: options)
            }
            engine.start()
            var answered = Set<Int>()
            var lost = Set<Int>()
            var duplicates = 0
            for await event in engine.events {
                switch event {
                case .reply(let reply) where reply.isDuplicate: duplicates += 1
                case .reply(let reply): #expect(answered.insert(reply.probe).inserted, "answered twice: \(reply.probe)")
                case .lost(_, let probe): #expect(lost.insert(probe).inserted, "lost twice: \(probe)")
                case .error(_, _, let message): Issue.record("unexpected error \(message)")
                }
            }
            #expect(answered.isDisjoint(with: lost))
            #expect(answered.count + lost.count == count, "\(answered.count) answered, \(lost.count) lost")
            #expect(duplicates == 0)
            let report = try #require(engine.snapshot().first)
            #expect(report.counts == ProbeCounts(sent: count, received: answered.count, duplicates: 0))
            #expect(report.inFlight == 0)
            #expect(report.rttsInSendOrder.allSatisfy { $0 <= 0.02 })

            // Truth: the responder's seeded delay per request, in arrival (= send) order. A round trip is at least
            // the drawn delay, so a draw beyond the timeout is a loss; one well within it (8 ms to spare for the
            // path and a busy machine: 3 ms was not always enough on a loaded 2-core machine) is an answer.
            var generator = SplitMix64(seed: seed)
            let model = DelayModel(delay: 0.020, jitter: 0.010)
            let drawn = (0..<count).map { _ in model.draw(using: &generator) }
            for probe in 0..<count {
                if drawn[probe] > 0.020 { #expect(lost.contains(probe), "probe \(probe) drawn \(drawn[probe])") }
                if drawn[probe] < 0.012 { #expect(answered.contains(probe), "probe \(probe) drawn \(drawn[probe])") }
            }
            #expect(answered.count > count / 4 && lost.count > count / 4)
        }
    }

    @Test("duplicates count once: kernel echo left on beside the responder answers every probe twice")
    func duplicates() async throws {
        try await withNamespacePair { pair in
            let responder = try pair.start(
                in: pair.target, [NetmonBinary.path, "lab", "responder", "--delay", "5ms", "--keep-kernel-echo"])
            defer { responder.stop() }
            try responder.waitForLine(startingWith: "ready")
            let run = try runNetmonPing(["-c", "20", "-p", "10", NamespacePair.targetIPv4], in: pair.source)
            let target = try #require(run.targets.first)
            // The run ends once every probe is answered, so the responder's copy of the last answer (5 ms after
            // the kernel's) may come after netmon has finished.
            #expect(target.sent == 20 && target.received == 20)
            #expect(target.duplicates == 19 || target.duplicates == 20, "duplicates \(target.duplicates)")
            #expect(target.lossRatio == 0)
            // The first answer (the kernel's, in microseconds) is the one measured.
            #expect(try #require(target.rttMs).max < 4)
        }
    }

    @Test("--site probes a commune's targets from sites.yaml inside namespaces that hold those addresses")
    func siteTargets() async throws {
        try await withNamespacePair { pair in
            // Commune 1's gateway address on the source side, the data centre's addresses on the target side.
            try pair.run(in: pair.source, ["ip", "addr", "add", "10.33.1.1/16", "dev", "v0"])
            for address in ["10.33.0.1", "10.33.0.10", "10.33.0.20", "10.33.0.53"] {
                try pair.run(in: pair.target, ["ip", "addr", "add", "\(address)/16", "dev", "v1"])
            }
            let listener = try pair.start(
                in: pair.target,
                [
                    "python3", "-c",
                    "import socket,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(('10.33.0.10',443))\ns.listen(64)\nprint('ready',flush=True)\ntime.sleep(120)",
                ])
            defer { listener.stop() }
            try listener.waitForLine(startingWith: "ready")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "nmt-sites-\(getpid())-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let config = directory.appendingPathComponent("sites.yaml")
            try Self.sitesYAML.write(to: config, atomically: true, encoding: .utf8)
            try Self.boundaries.write(
                to: directory.appendingPathComponent("communes.geojson"), atomically: true, encoding: .utf8)
            let run = try runNetmonPing(
                ["--site", "11953", "--config", config.path, "-c", "3", "-p", "20", "-t", "300"], in: pair.source)
            #expect(run.targets.map(\.target) == ["hub", "portal", "meeting", "dns"], "\(run.stderr)")
            let byName = Dictionary(uniqueKeysWithValues: run.targets.map { ($0.target, $0) })
            #expect(byName["hub"]?.received == 3)
            #expect(byName["dns"]?.received == 3)
            #expect(byName["portal"]?.received == 3, "TCP 443 answered by the listener")
            // Nothing listens on 10.33.0.20:443: the connect is refused (RST), an error for that target only.
            #expect(byName["meeting"]?.received == 0)
            #expect(byName["meeting"]?.errors.first?.message == "connection refused")
            #expect(run.status == 1)
        }
    }

    static let sitesYAML = """
        version: 1
        province: { name: Hưng Yên, code: "33", boundaries: communes.geojson }
        network:
          supernet: 10.33.0.0/16
          datacenter:
            name: Trung tâm Dữ liệu tỉnh Hưng Yên
            subnet: 10.33.0.0/24
            hub: 10.33.0.1
            services:
              - { name: portal,  address: 10.33.0.10, kind: tcp, port: 443 }
              - { name: meeting, address: 10.33.0.20, kind: tcp, port: 443 }
              - { name: dns,     address: 10.33.0.53, kind: icmp }
          commune_prefix_length: 24
        defaults:
          probe: { probes: 20, step: 60s, timeout: 2s, interval: 1s, payload_bytes: 56 }
          thresholds:
            latency_ms: { warn: 50, critical: 150, clear: 40 }
            loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }
        communes:
          - { code: "11953", name: Phường Phố Hiến, subnet: 10.33.1.0/24, gateway: 10.33.1.1, probe_id: probe-11953 }
        coverage:
          resolution: 8
          min_samples: 3
          floors: { 3G: { metric: rscp_dbm, dbm: -110 }, 4G: { metric: rsrp_dbm, dbm: -115 }, 5G: { metric: nr_ss_rsrp_dbm, dbm: -110 } }
          targets: { 4g_every_commune: true, 5g_area_ratio: 0.60, max_dead_zones: 0 }
        alerts:
          receivers:
            - { name: noc-webhook, webhook: { url: "http://127.0.0.1:9099/hook", secret: whsec_bmV0bW9uLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODlhYg==, format: standard } }
          route: { receiver: noc-webhook, group_by: [alertname, commune], group_wait: 30s, group_interval: 5m, repeat_interval: 4h }
          rules: { gateway_silent_minutes: 5, capture_drops_per_minute: 100, outbox_backlog: 1000, for: 2m }

        """

    static let boundaries = """
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ward_code":"11953","name":"Phường Phố Hiến"},"geometry":{"type":"Polygon","coordinates":[[[106.05,20.64],[106.07,20.64],[106.07,20.66],[106.05,20.66],[106.05,20.64]]]}}]}
        """
}
