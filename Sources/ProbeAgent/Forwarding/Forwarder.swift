import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import NetmonProtocol
import ServiceLifecycle
import Synchronization

/// Sends the outbox to the provincial server, oldest first, in batches, until the server has judged each round.
///
/// A round leaves the outbox only after the server answered for it, so a kill between the POST and the delete
/// sends it again; the server recognises the repeat by its identity (probe, store id, sequence) and content. The
/// server judges rounds one by one (``IngestReply``): stored or duplicate rounds are removed, rounds it refused for
/// good (a 1970 clock, a target it does not know) are set aside in the store with its reason, counted and logged,
/// never retried for ever; rounds whose identity it holds with other content (this store reused numbers after a
/// restore) are re-identified under a new store id and sent again. A whole batch refused as unreadable is split
/// until the round at fault is found and set aside. While the server is unreachable the forwarder waits with
/// exponential backoff and full jitter and resumes from the outbox, which survives restarts.
public final class Forwarder: Service {
    private let store: GatewayStore
    private let probeID: String
    private let configuration: ForwarderConfiguration
    private let metrics: MetricsRegistry?
    private let logger: Logger
    private let hasNewRounds = Atomic<Bool>(false)
    /// What this forwarder sends: rounds to `/api/v1/ingest/rounds`, or the modem's signal reports to
    /// `/api/v1/ingest/signal` (a second forwarder, so neither ever waits for the other).
    public let kind: OutboxKind

    public init(
        store: GatewayStore, probeID: String, configuration: ForwarderConfiguration, metrics: MetricsRegistry? = nil,
        kind: OutboxKind = .rounds, logger: Logger = Logger(label: "netmon.forwarder")
    ) {
        self.kind = kind
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
        /// 2xx with the server's verdict on this batch (older servers send only the counts: every round stored).
        case accepted(IngestReply)
        case rejected(status: Int, retryAfter: Double?, message: String)
        case failed(String)
    }

    public func run() async throws {
        let client = try makeClient()
        await forward(client: client)
        try? await client.shutdown()
    }

    private func forward(client: HTTPClient) async {
        logger.info(
            "forwarding \(kind.itemName)",
            metadata: ["url": "\(configuration.ingestURL(for: kind).absoluteString)", "probe_id": "\(probeID)"])
        var failures = 0
        var batchSize = configuration.batchSize
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let entries: [OutboxRound]
            do {
                entries = try await store.pendingPayloads(probeID: probeID, limit: batchSize, kind: kind)
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
            case .accepted(let reply):
                failures = 0
                batchSize = configuration.batchSize
                await settle(entries, reply: reply)
            case .rejected(let status, _, let message) where (status == 400 || status == 422) && entries.count == 1:
                // The server cannot take this one round at all: set it aside with its reason, go on with the rest.
                failures = 0
                await settle(
                    entries,
                    reply: IngestReply(
                        accepted: 0, duplicates: 0, received: 1,
                        rejected: [
                            RoundRejection(
                                index: 0, sequence: entries[0].sequence, field: "batch",
                                reason: "HTTP \(status): \(message)")
                        ]))
            case .rejected(let status, let retryAfter, _):
                failures += 1
                metrics?.addForwardFailure()
                // Too large, or unreadable as a whole (an older server refuses a batch for one bad round): halve
                // until the round at fault stands alone.
                if status == 413 || status == 400 || status == 422, batchSize > 1 {
                    batchSize = max(1, min(batchSize, entries.count) / 2)
                }
                let delay = configuration.backoff.delay(attempt: failures, retryAfter: retryAfter)
                if status == 404 && kind == .signal {
                    // A server older than the signal endpoint: the reports stay queued (rounds go on through their
                    // own forwarder); said once per outage, not at every retry.
                    if failures == 1 {
                        logger.warning(
                            "the server has no signal endpoint (older netmon?); keeping signal reports queued",
                            metadata: ["reports": "\(entries.count)", "url": "\(configuration.ingestURL(for: kind))"])
                    }
                    try? await sleepUnlessShuttingDown(.seconds(delay))
                    continue
                }
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
            guard
                let entries = try? await store.pendingPayloads(
                    probeID: probeID, limit: configuration.batchSize, kind: kind),
                !entries.isEmpty
            else { break }
            guard case .accepted(let reply) = await send(entries, client: client) else { break }
            await settle(entries, reply: reply)
        }
        await publishOutbox()
        let pending = (try? await store.pendingCount(kind: kind)) ?? -1
        logger.info("forwarder stopped", metadata: ["outbox_pending": "\(pending)"])
    }

    /// Applies the server's verdict: every round it does not name as rejected or conflicting is stored there.
    private func settle(_ entries: [OutboxRound], reply: IngestReply) async {
        let rejected = reply.rejected
        let conflicts = reply.conflicts
        let named = Set(rejected.map(\.sequence)).union(conflicts.map(\.sequence))
        let settlement = BatchSettlement(
            delivered: entries.map(\.sequence).filter { !named.contains($0) },
            rejected: rejected.map { BatchSettlement.Rejection(sequence: $0.sequence, reason: $0.message) },
            conflicting: conflicts.map(\.sequence))
        do {
            let newStoreID = try await store.settle(probeID: probeID, settlement, kind: kind)
            switch kind {
            case .rounds: metrics?.addForwarded(settlement.delivered.count)
            case .signal: metrics?.addSignalForwarded(settlement.delivered.count)
            }
            logger.debug(
                "batch settled",
                metadata: ["delivered": "\(settlement.delivered.count)", "through": "\(entries.last?.sequence ?? 0)"])
            for rejection in rejected.prefix(10) {
                logger.warning(
                    "server refused a round for good; set aside in the gateway store",
                    metadata: ["sequence": "\(rejection.sequence)", "reason": "\(rejection.message)"])
            }
            if rejected.count > 10 {
                logger.warning("server refused more rounds", metadata: ["more": "\(rejected.count - 10)"])
            }
            if let newStoreID {
                logger.warning(
                    "server holds rounds of this store's numbers with other content (restored database?); continuing under a new store id",
                    metadata: ["rounds": "\(conflicts.count)", "store_id": "\(newStoreID)"])
            }
        } catch {
            // The rows stay and are sent again; the server recognises the duplicates.
            logger.error("cannot settle a forwarded batch in the outbox", metadata: ["error": "\(error)"])
        }
        await publishOutbox()
    }

    private func publishOutbox() async {
        guard let metrics else { return }
        if kind == .signal {
            if let pending = try? await store.pendingCount(kind: .signal) { metrics.setSignalOutbox(pending: pending) }
            return
        }
        if let pending = try? await store.pendingCount(), let dropped = try? await store.droppedCount(),
            let rejected = try? await store.counter("rounds_rejected")
        {
            metrics.setOutbox(pending: pending, dropped: dropped, rejected: rejected)
        }
    }

    private func send(_ entries: [OutboxRound], client: HTTPClient) async -> Attempt {
        var request = HTTPClientRequest(url: configuration.ingestURL(for: kind).absoluteString)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(configuration.token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        let span = "\(entries.first?.sequence ?? 0)-\(entries.last?.sequence ?? 0)"
        request.headers.add(
            name: "Idempotency-Key", value: kind == .rounds ? "\(probeID):\(span)" : "\(probeID):signal:\(span)")
        request.body = .bytes(
            ByteBuffer(
                string: Self.batchJSON(
                    probeID: probeID, entries: entries, health: kind == .rounds ? await health() : nil,
                    key: kind.batchKey)))
        do {
            let response = try await client.execute(
                request, timeout: .nanoseconds(Int64(configuration.requestTimeout.components.seconds) * 1_000_000_000))
            let body = (try? await response.body.collect(upTo: 4 << 20)) ?? ByteBuffer()
            let status = Int(response.status.code)
            if (200..<300).contains(status) {
                // Only the server's own answer for this batch settles it: a 2xx from something else in the path
                // (a captive portal, a misconfigured proxy) must not make the gateway forget its rounds.
                guard
                    let reply = try? WireCoding.makeDecoder().decode(
                        IngestReply.self, from: Data(body.readableBytesView)),
                    reply.received == entries.count
                else {
                    return .failed(
                        "HTTP \(status) without an ingest reply for \(entries.count) \(kind.itemName): \(String(buffer: body).prefix(200))"
                    )
                }
                return .accepted(reply)
            }
            let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
            return .rejected(
                status: status, retryAfter: retryAfter, message: String(String(buffer: body).prefix(500)))
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
    static func batchJSON(
        probeID: String, entries: [OutboxRound], health: ProbeHealthReport? = nil, key: String = "rounds"
    ) -> String {
        let quotedID = (try? String(decoding: JSONEncoder().encode(probeID), as: UTF8.self)) ?? "\"\""
        var body = "{"
        if let health, let json = try? WireCoding.makeEncoder().encode(health) {
            body += "\"health\":" + String(decoding: json, as: UTF8.self) + ","
        }
        body += "\"probe_id\":\(quotedID),\"\(key)\":["
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
