import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import NetmonProtocol
import ServiceLifecycle
import Synchronization

/// Sends the outbox to the provincial server, oldest first, in batches, until acknowledged.
///
/// A batch leaves the outbox only after the server answered 2xx, so a kill between the POST and the delete sends
/// it again; the server drops the repeat by (probe id, sequence). While the server is unreachable the forwarder
/// waits with exponential backoff and full jitter and resumes from the outbox, which survives restarts.
public final class Forwarder: Service {
    private let store: GatewayStore
    private let probeID: String
    private let configuration: ForwarderConfiguration
    private let metrics: MetricsRegistry?
    private let logger: Logger
    private let hasNewRounds = Atomic<Bool>(false)

    public init(
        store: GatewayStore, probeID: String, configuration: ForwarderConfiguration, metrics: MetricsRegistry? = nil,
        logger: Logger = Logger(label: "netmon.forwarder")
    ) {
        self.store = store
        self.probeID = probeID
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// Tells the forwarder new rounds are in the outbox (it also polls).
    public func notifyNewRounds() { hasNewRounds.store(true, ordering: .relaxed) }

    /// The outcome of one POST.
    enum Attempt {
        case accepted
        case rejected(status: Int, retryAfter: Double?)
        case failed(String)
    }

    public func run() async throws {
        let client = try makeClient()
        await forward(client: client)
        try? await client.shutdown()
    }

    private func forward(client: HTTPClient) async {
        logger.info(
            "forwarding rounds",
            metadata: ["url": "\(configuration.ingestURL.absoluteString)", "probe_id": "\(probeID)"])
        var failures = 0
        var batchSize = configuration.batchSize
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let entries: [OutboxEntry]
            do {
                entries = try await store.pendingPayloads(probeID: probeID, limit: batchSize)
                await publishOutbox()
            } catch {
                logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
                try? await sleepUnlessShuttingDown(.seconds(5))
                continue
            }
            if entries.isEmpty {
                // Wait for new rounds or the poll interval, whichever first; stop on graceful shutdown.
                let deadline = ContinuousClock.now + configuration.pollInterval
                while ContinuousClock.now < deadline && !hasNewRounds.exchange(false, ordering: .relaxed)
                    && !Task.isShuttingDownGracefully && !Task.isCancelled
                {
                    try? await Task.sleep(for: .milliseconds(100))
                }
                continue
            }
            switch await send(entries, client: client) {
            case .accepted:
                failures = 0
                batchSize = configuration.batchSize
                await acknowledge(entries)
            case .rejected(let status, let retryAfter):
                failures += 1
                metrics?.addForwardFailure()
                if status == 413 && batchSize > 1 { batchSize = max(1, batchSize / 2) }
                let delay = configuration.backoff.delay(attempt: failures, retryAfter: retryAfter)
                logger.warning(
                    "server refused a batch; keeping it and retrying",
                    metadata: [
                        "status": "\(status)", "rounds": "\(entries.count)", "retry_in_s": "\(Self.rounded(delay))",
                        "hint": "\(Self.hint(status: status))",
                    ])
                try? await sleepUnlessShuttingDown(.seconds(delay))
            case .failed(let reason):
                failures += 1
                metrics?.addForwardFailure()
                let delay = configuration.backoff.delay(attempt: failures)
                logger.warning(
                    "cannot reach the server; keeping the batch and retrying",
                    metadata: ["reason": "\(reason)", "retry_in_s": "\(Self.rounded(delay))"])
                try? await sleepUnlessShuttingDown(.seconds(delay))
            }
        }
        await drain(client: client)
    }

    /// On graceful shutdown: send what is left while the server answers, within `drainTimeout`.
    private func drain(client: HTTPClient) async {
        let deadline = ContinuousClock.now + configuration.drainTimeout
        while ContinuousClock.now < deadline {
            guard let entries = try? await store.pendingPayloads(probeID: probeID, limit: configuration.batchSize),
                !entries.isEmpty
            else { break }
            guard case .accepted = await send(entries, client: client) else { break }
            await acknowledge(entries)
        }
        await publishOutbox()
        let pending = (try? await store.pendingCount()) ?? -1
        logger.info("forwarder stopped", metadata: ["outbox_pending": "\(pending)"])
    }

    private func acknowledge(_ entries: [OutboxEntry]) async {
        guard let last = entries.last else { return }
        do {
            try await store.acknowledge(probeID: probeID, through: last.sequence)
            metrics?.addForwarded(entries.count)
            logger.debug("batch acknowledged", metadata: ["rounds": "\(entries.count)", "through": "\(last.sequence)"])
        } catch {
            // The rows stay and are sent again; the server drops the duplicates.
            logger.error("cannot remove acknowledged rounds from the outbox", metadata: ["error": "\(error)"])
        }
        await publishOutbox()
    }

    private func publishOutbox() async {
        guard let metrics else { return }
        if let pending = try? await store.pendingCount(), let dropped = try? await store.droppedCount() {
            metrics.setOutbox(pending: pending, dropped: dropped)
        }
    }

    private func send(_ entries: [OutboxEntry], client: HTTPClient) async -> Attempt {
        var request = HTTPClientRequest(url: configuration.ingestURL.absoluteString)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(configuration.token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(
            name: "Idempotency-Key", value: "\(probeID):\(entries.first!.sequence)-\(entries.last!.sequence)")
        request.body = .bytes(
            ByteBuffer(string: Self.batchJSON(probeID: probeID, entries: entries, health: await health())))
        do {
            let response = try await client.execute(
                request, timeout: .nanoseconds(Int64(configuration.requestTimeout.components.seconds) * 1_000_000_000))
            _ = try? await response.body.collect(upTo: 1 << 20)
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return .accepted }
            let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
            return .rejected(status: status, retryAfter: retryAfter)
        } catch {
            return .failed("\(error)")
        }
    }

    /// The probe's health as the batch leaves: rounds in the outbox (this batch included) and capture drops so far.
    private func health() async -> ProbeHealthReport? {
        guard let pending = try? await store.pendingCount() else { return nil }
        return ProbeHealthReport(outboxPending: pending, captureDropsTotal: metrics?.captureDropsTotal, sentAt: Date())
    }

    /// The POST body: a `ProbeRoundBatch` assembled from the stored JSON of each round, with the probe's health.
    static func batchJSON(probeID: String, entries: [OutboxEntry], health: ProbeHealthReport? = nil) -> String {
        let quotedID = (try? String(decoding: JSONEncoder().encode(probeID), as: UTF8.self)) ?? "\"\""
        var body = "{"
        if let health, let json = try? WireCoding.makeEncoder().encode(health) {
            body += "\"health\":" + String(decoding: json, as: UTF8.self) + ","
        }
        body += "\"probe_id\":\(quotedID),\"rounds\":["
        body.reserveCapacity(entries.reduce(64) { $0 + $1.payload.utf8.count + 1 })
        for (index, entry) in entries.enumerated() {
            if index > 0 { body += "," }
            body += entry.payload
        }
        body += "]}"
        return body
    }

    private func makeClient() throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = configuration.caFile {
            tls.trustRoots = .file(caFile)
        }
        var clientConfiguration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(Int64(configuration.requestTimeout.components.seconds)))
        )
        clientConfiguration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
    }

    private func sleepUnlessShuttingDown(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }

    private static func rounded(_ seconds: Double) -> Double { (seconds * 10).rounded() / 10 }

    private static func hint(status: Int) -> String {
        switch status {
        case 401, 403: "check the token file and that the server knows this probe id"
        case 413: "batch too large; halving the batch size"
        case 429, 503: "server busy"
        case 400, 422: "server could not read the batch; check the server and probe versions"
        default: "server error"
        }
    }
}
