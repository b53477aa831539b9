import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import NetmonProtocol
import ServiceLifecycle
import Synchronization

/// A small real HTTP receiver for `POST /api/v1/ingest/rounds` on loopback, standing in for `netmon serve`.
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

    var port: Int? { portBox.withLock { $0 } }
    var snapshot: State { state.withLock { $0 } }
    func failNext(_ count: Int) { state.withLock { $0.failNext = count } }

    /// The receiver over HTTPS with the certificate and key in `certificateFile`/`keyFile` (PEM).
    func makeTLSApplication(certificateFile: String, keyFile: String) throws -> some ApplicationProtocol {
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem)))
        return makeApplication(port: 0, server: try .tls(.http1(), tlsConfiguration: tls))
    }

    func makeApplication(port: Int = 0, server: HTTPServerBuilder = .http1()) -> some ApplicationProtocol {
        let router = Router()
        router.post("api/v1/ingest/rounds") { request, _ -> Response in
            let auth = request.headers[.authorization]
            guard auth == "Bearer \(self.token)" else {
                self.state.withLock { $0.unauthorized += 1 }
                return Response(status: .unauthorized)
            }
            let shouldFail = self.state.withLock { state -> Bool in
                state.requests += 1
                if state.failNext > 0 {
                    state.failNext -= 1
                    return true
                }
                return false
            }
            if shouldFail { return Response(status: .serviceUnavailable) }
            let buffer = try await request.body.collect(upTo: 64 << 20)
            guard let batch = try? WireCoding.makeDecoder().decode(ProbeRoundBatch.self, from: Data(buffer: buffer))
            else {
                self.state.withLock { $0.badBodies += 1 }
                return Response(status: .badRequest)
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
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string:
                            #"{"accepted":\#(accepted),"duplicates":\#(duplicates),"received":\#(batch.rounds.count)}"#)
                ))
        }
        var logger = Logger(label: "test.receiver")
        logger.logLevel = .warning
        return Application(
            router: router, server: server,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
            onServerRunning: { channel in self.portBox.withLock { $0 = channel.localAddress?.port } },
            logger: logger)
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
