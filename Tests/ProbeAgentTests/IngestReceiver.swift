import Foundation
import Logging
import NIOSSL
import NetmonLab
import NetmonProtocol
import ServiceLifecycle
import Synchronization

/// A stand-in for `netmon serve`'s `POST /api/v1/ingest/rounds`, on the lab's HTTP receiver (loopback).
///
/// It checks the bearer token, decodes the `ProbeRoundBatch` and keeps each (probe id, sequence) once, counting
/// repeats. `failNext` makes it answer 503 to the next requests, like a server in trouble.
final class IngestReceiver: Sendable {
    struct State {
        var accepted: [Int64] = []  // sequences in first-arrival order
        var seen: Set<String> = []
        var duplicates = 0
        var requests = 0
        var unauthorized = 0
        var failNext = 0
        var badBodies = 0
        /// Batches recorded whose answer has not been sent yet.
        var inFlight = 0
        /// The `health` of every batch read, in arrival order.
        var health: [ProbeHealthReport?] = []
    }

    let token: String
    /// Time between recording a batch and answering, so a client killed meanwhile never sees the answer.
    let responseDelay: Duration
    let state = Mutex(State())
    private let portBox = Mutex<Int?>(nil)

    init(token: String, responseDelay: Duration = .zero) {
        self.token = token
        self.responseDelay = responseDelay
    }

    /// The port while it serves.
    var port: Int? { portBox.withLock { $0 } }
    var snapshot: State { state.withLock { $0 } }
    func failNext(_ count: Int) { state.withLock { $0.failNext = count } }

    /// Serves on `port` (0: one the kernel picks) while `body` runs, over HTTPS with the PEM certificate and key
    /// when given; stops afterwards.
    func serving<T: Sendable>(
        port: Int = 0, certificateFile: String? = nil, keyFile: String? = nil,
        _ body: @Sendable () async throws -> T
    ) async throws -> T {
        var tls: TLSConfiguration?
        if let certificateFile, let keyFile {
            tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem)))
        }
        let server = try await LabHTTPReceiver(port: port, tls: tls, handler: { await self.answer($0) })
        self.portBox.withLock { $0 = server.port }
        do {
            let result = try await body()
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    private func answer(_ request: LabHTTPReceiver.Request) async -> LabHTTPReceiver.Reply {
        guard request.method == "POST", request.path == "/api/v1/ingest/rounds" else {
            return .status(404, retryAfter: nil)
        }
        guard request.headers["authorization"] == "Bearer \(self.token)" else {
            self.state.withLock { $0.unauthorized += 1 }
            return .status(401, retryAfter: nil)
        }
        let shouldFail = self.state.withLock { state -> Bool in
            state.requests += 1
            if state.failNext > 0 {
                state.failNext -= 1
                return true
            }
            return false
        }
        if shouldFail { return .status(503, retryAfter: nil) }
        guard let batch = try? WireCoding.makeDecoder().decode(ProbeRoundBatch.self, from: Data(request.body)) else {
            self.state.withLock { $0.badBodies += 1 }
            return .status(400, retryAfter: nil)
        }
        let (accepted, duplicates) = self.state.withLock { state -> (Int, Int) in
            state.inFlight += 1
            state.health.append(batch.health)
            var counts = (0, 0)
            for round in batch.rounds {
                if state.seen.insert("\(round.probeID)#\(round.sequence)").inserted {
                    state.accepted.append(round.sequence)
                    counts.0 += 1
                } else {
                    state.duplicates += 1
                    counts.1 += 1
                }
            }
            return counts
        }
        if self.responseDelay > .zero { try? await Task.sleep(for: self.responseDelay) }
        self.state.withLock { $0.inFlight -= 1 }
        // The counts-only answer of servers that predate per-round replies.
        return .respond(
            status: 200, headers: [.contentType: "application/json"],
            body: Array(
                #"{"accepted":\#(accepted),"duplicates":\#(duplicates),"received":\#(batch.rounds.count)}"#.utf8))
    }
}

/// Runs `body` while `service` runs; then shuts the service down gracefully and waits for it.
func withRunningService<T: Sendable>(
    _ service: some Service, _ body: @Sendable () async throws -> T
) async throws -> T {
    var logger = Logger(label: "test.group")
    logger.logLevel = .warning
    let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}
