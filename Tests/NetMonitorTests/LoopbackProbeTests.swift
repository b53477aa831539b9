import Foundation
import NetworkAddress
import TestSupport
import Testing

@testable import NetMonitor

/// The engine on loopback (127.0.0.1, ::1): runs without root where an ICMP datagram socket is allowed.
@Suite("Probe engine on loopback", .enabled(if: Privileges.canOpenICMPSockets, "\(Privileges.icmpSkipReason)"))
struct LoopbackProbeTests {
    @Test("ICMP echo to 127.0.0.1 and ::1: every probe answered, events streamed, kernel-timestamped RTTs")
    func icmpLoopback() async throws {
        let endpoints = [
            ProbeEndpoint(label: "v4", address: try #require(IPAddress("127.0.0.1"))),
            ProbeEndpoint(label: "v6", address: try #require(IPAddress("::1"))),
        ]
        let engine = try ProbeEngine(
            endpoints: endpoints, options: ProbeOptions(count: 10, period: 0.005, interval: 0.001, timeout: 1))
        engine.start()
        var replies = 0
        for await event in engine.events {
            if case .reply(let reply) = event, !reply.isDuplicate { replies += 1 }
        }
        #expect(replies == 20)
        for report in engine.snapshot() {
            #expect(report.counts == ProbeCounts(sent: 10, received: 10, duplicates: 0), "\(report.endpoint.label)")
            #expect(report.inFlight == 0)
            let summary = try #require(report.statistics.summary)
            #expect(summary.min > 0 && summary.median < 0.005, "loopback RTT \(summary.median) s")
        }
        let schedule = engine.scheduleReport()
        #expect(schedule.sends == 20)
    }

    @Test(
        "Replies without kernel timestamps (as before Linux has turned stamping on) are flagged, and the engine then reads them as they arrive instead of letting them wait up to 10 ms for a batch"
    )
    func repliesStampedAtRead() async throws {
        let endpoints = try ["127.0.0.1", "127.0.0.2", "127.0.0.3"].map { text in
            ProbeEndpoint(label: text, address: try #require(IPAddress(text)))
        }
        // Three targets, a send every 6 ms (each target every 18 ms): batched reads would leave each reply
        // waiting 6–12 ms, until the second send after it.
        var options = ProbeOptions(count: 40, period: 0.018, interval: 0.006, timeout: 1)
        options.kernelReceiveTimestamps = false
        let engine = try ProbeEngine(endpoints: endpoints, options: options)
        await engine.run()
        let schedule = engine.scheduleReport()
        #expect(schedule.repliesStampedAtRead >= 120, "every reply came without a kernel timestamp")
        for report in engine.snapshot() {
            #expect(report.counts == ProbeCounts(sent: 40, received: 40, duplicates: 0), "\(report.endpoint.label)")
            // The first replies (before the switch) may have waited; the median is read on arrival.
            let summary = try #require(report.statistics.summary)
            #expect(summary.median < 0.003, "\(report.endpoint.label): median RTT \(summary.median * 1e3) ms")
        }
    }

    @Test("TCP connect probe to a local listener: time to connection, every probe answered")
    func tcpListener() async throws {
        let listener = try LocalListener()
        defer { listener.close() }
        let endpoint = ProbeEndpoint(
            label: "listener", address: try #require(IPAddress("127.0.0.1")), method: .tcp(port: listener.port))
        let engine = try ProbeEngine(
            endpoints: [endpoint], options: ProbeOptions(count: 5, period: 0.01, interval: 0.001, timeout: 1))
        await engine.run()
        let report = try #require(engine.snapshot().first)
        #expect(report.counts == ProbeCounts(sent: 5, received: 5, duplicates: 0))
        #expect(report.errors.isEmpty)
        #expect(try #require(report.statistics.summary).max < 0.05)
    }

    @Test("TCP connect to a closed port: refused, reported as an error, counted lost")
    func tcpRefused() async throws {
        let listener = try LocalListener()
        let port = listener.port
        listener.close()
        let endpoint = ProbeEndpoint(
            label: "closed", address: try #require(IPAddress("127.0.0.1")), method: .tcp(port: port))
        let engine = try ProbeEngine(
            endpoints: [endpoint], options: ProbeOptions(count: 3, period: 0.01, interval: 0.001, timeout: 1))
        await engine.run()
        let report = try #require(engine.snapshot().first)
        #expect(report.counts == ProbeCounts(sent: 3, received: 0, duplicates: 0))
        #expect(report.errors == ["connection refused": 3])
        #expect(report.statistics.summary == nil)
    }

    @Test("stop() ends a run early; probes in flight are left out of the counts")
    func stopEarly() async throws {
        let engine = try ProbeEngine(
            endpoints: [ProbeEndpoint(label: "v4", address: try #require(IPAddress("127.0.0.1")))],
            options: ProbeOptions(count: 100_000, period: 0.01, interval: 0.001, timeout: 1))
        engine.start()
        try await Task.sleep(for: .milliseconds(200))
        engine.stop()
        await engine.run()
        let report = try #require(engine.snapshot().first)
        #expect(report.counts.sent > 5 && report.counts.sent < 100_000)
        #expect(report.counts.received == report.counts.sent)
    }

    @Test("bad options and duplicate targets are refused before anything is sent")
    func invalidOptions() throws {
        let address = try #require(IPAddress("127.0.0.1"))
        #expect(throws: ProbeError.self) { try ProbeEngine(endpoints: [], options: ProbeOptions(count: 0)) }
        #expect(throws: ProbeError.self) { try ProbeEngine(endpoints: [], options: ProbeOptions(ttl: 256)) }
        #expect(throws: ProbeError.self) {
            try ProbeEngine(
                endpoints: [ProbeEndpoint(label: "a", address: address), ProbeEndpoint(label: "b", address: address)],
                options: ProbeOptions())
        }
    }
}

/// A TCP listener on 127.0.0.1, port chosen by the kernel; the kernel completes handshakes from its backlog.
final class LocalListener: @unchecked Sendable {
    let descriptor: Int32
    let port: UInt16
    private var closed = false

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw ChildProcessError(message: "listen failed") }
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        self.descriptor = fd
        self.port = UInt16(bigEndian: address.sin_port)
    }

    func close() {
        guard !self.closed else { return }
        self.closed = true
        _ = Glibc.close(self.descriptor)
    }
}
