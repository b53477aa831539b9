import Foundation
import NIOSSL
import NetmonLab
import TestSupport
import Testing

@testable import Alerting

/// A tiny test clock shared between the test and the worker.
final class TestClock: @unchecked Sendable {
    // Safe: every access holds `lock`.
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { self.current = start }
    var now: Date { self.lock.withLock { self.current } }
    func advance(_ seconds: Double) { self.lock.withLock { self.current += seconds } }
}

@Suite("Persistent delivery: outbox, retries, dead letters, restarts")
struct DeliveryTests {
    func notifications(_ count: Int, receiver: String = "hook", createdAt: Date = Date()) -> [AlertNotification] {
        (0..<count).map { index in
            AlertNotification(
                id: AlertNotification.makeID(), receiver: receiver, groupKey: "{}:{commune=\"\(index)\"}",
                groupLabels: ["commune": "\(index)"],
                alerts: [Alert(labels: ["alertname": "LinkLoss", "commune": "\(index)"], startsAt: createdAt)],
                createdAt: createdAt)
        }
    }

    @Test("backoff: full jitter under an exponential ceiling, Retry-After honoured, give up after the deadline")
    func retryPolicy() {
        let policy = RetryPolicy(baseDelay: 1, maximumDelay: 60, deadline: 86_400)
        let transient = DeliveryError(code: .httpStatus, message: "503", isTransient: true)
        var ceilings: [Double] = []
        for attempt in 1...10 {
            _ = policy.decision(after: attempt, error: transient, createdAt: epoch, now: epoch) { range in
                ceilings.append(range.upperBound)
                return range.upperBound
            }
        }
        #expect(ceilings == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60])
        let jittered = policy.decision(after: 3, error: transient, createdAt: epoch, now: epoch) { _ in 0.5 }
        #expect(jittered == .retry(at: epoch + 0.5))
        var withRetryAfter = transient
        withRetryAfter.retryAfter = 120
        #expect(
            policy.decision(after: 1, error: withRetryAfter, createdAt: epoch, now: epoch) { _ in 0 }
                == .retry(at: epoch + 120))
        #expect(policy.decision(after: 50, error: transient, createdAt: epoch, now: epoch + 86_400) == .giveUp)
        #expect(
            policy.decision(
                after: 1, error: DeliveryError(code: .httpStatus, message: "400"), createdAt: epoch, now: epoch)
                == .giveUp)
        // Never scheduled past the deadline.
        #expect(
            policy.decision(after: 1, error: withRetryAfter, createdAt: epoch, now: epoch + 86_390) { _ in 0 }
                == .retry(at: epoch + 86_400))
    }

    @Test("Retry-After as seconds and as an HTTP-date")
    func retryAfterParsing() {
        var response = HTTPResponse(status: 503, headerPairs: [.init(name: "retry-after", value: "7")], body: [])
        #expect(response.retryAfter() == 7)
        response.headerPairs = [.init(name: "retry-after", value: "Thu, 01 Jan 2026 00:01:00 GMT")]
        #expect(response.retryAfter(now: epoch) == 60)
        response.headerPairs = [.init(name: "retry-after", value: "soon")]
        #expect(response.retryAfter() == nil)
    }

    @Test("a receiver that fails, times out and answers 503 + Retry-After still gets every notification exactly once")
    func flakyReceiver() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-delivery")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await LabHTTPReceiver(script: [
            .close, .hang, .status(503, retryAfter: "1"), .status(500, retryAfter: nil), .status(429, retryAfter: "0"),
            .close, .hang, .status(503, retryAfter: "1"),
        ])
        let secret = "whsec_bmV0bW9uLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODlhYg=="
        let store = try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        let batch = self.notifications(6)
        try await store.enqueue(batch)
        try await store.enqueue([batch[0]])  // enqueueing the same id again is a no-op
        let sender = try WebhookSender(url: server.url, secret: secret, http: deliveryHTTP)
        let worker = DeliveryWorker(
            store: store, senders: ["hook": sender],
            policy: RetryPolicy(baseDelay: 0.05, maximumDelay: 0.2, deadline: 60, attemptTimeout: 0.5))
        let start = Date()
        while Date().timeIntervalSince(start) < 20 {
            try await worker.deliverDue()
            if try await store.outboxCounts()[.pending] == 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await server.shutdown()
        let counts = try await store.outboxCounts()
        #expect(counts[.pending] == 0)
        #expect(counts[.delivered] == 6)
        #expect(counts[.dead] == 0)
        let ids = server.accepted.map { $0.headers["webhook-id"] ?? "" }
        #expect(ids.sorted() == batch.map(\.id).sorted())  // each id exactly once
        #expect(server.attempts >= 6 + 8)  // the failures really happened
        // Each accepted request is signed and verifies; the body is the netmon payload for that id.
        let signer = try StandardWebhookSigner(secret: secret)
        for request in server.accepted {
            let timestamp = try #require(Int64(request.headers["webhook-timestamp"] ?? ""))
            #expect(
                signer.verify(
                    id: request.headers["webhook-id"] ?? "", timestamp: timestamp, body: request.body,
                    signatureHeader: request.headers["webhook-signature"] ?? ""))
            let payload = try JSONDecoder().decode(NetmonWebhookPayload.self, from: Data(request.body))
            #expect(payload.type == "alert.firing")
        }
        // Retry-After of 1 s was honoured: the 503-with-Retry-After notification waited at least that.
        let delivered = try await store.outbox(state: .delivered)
        #expect(delivered.contains { $0.attempts >= 3 })
    }

    @Test("redirects are not followed; 4xx and long failure go to the dead-letter table with a counter")
    func deadLetters() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-dead")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await LabHTTPReceiver(script: [.redirect("/elsewhere"), .status(400, retryAfter: nil)])
        let clock = TestClock(Date())
        let store = try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        let sender = try WebhookSender(url: server.url, format: .alertmanager, http: deliveryHTTP)
        // Port 1 on loopback: nothing listens there, every attempt is refused (a transient error).
        let down = try WebhookSender(url: "http://127.0.0.1:1/hook", http: deliveryHTTP)
        let worker = DeliveryWorker(
            store: store, senders: ["hook": sender, "down": down],
            policy: RetryPolicy(baseDelay: 1, maximumDelay: 7200, deadline: 86_400, attemptTimeout: 2),
            now: { clock.now })
        try await store.enqueue(self.notifications(2, createdAt: clock.now))
        try await worker.deliverDue()
        #expect(try await store.deadLetterCount() == 2)
        #expect(server.accepted.isEmpty)
        #expect(server.attempts == 2)  // the redirect target was never requested
        await server.shutdown()

        // A receiver that is down for 24 h: retried with growing delays, then dead-lettered.
        try await store.enqueue(self.notifications(1, receiver: "down", createdAt: clock.now))
        var attempts = 0
        while try await store.outboxCounts()[.pending] ?? 0 > 0 && attempts < 200 {
            if let next = try await store.nextAttempt() { clock.advance(max(0, next.timeIntervalSince(clock.now))) }
            try await worker.deliverDue()
            attempts += 1
        }
        #expect(try await store.deadLetterCount() == 3)
        let dead = try await store.outbox(state: .dead)
        #expect(dead.count == 3)
        let downEntry = try #require(dead.first { $0.notification.receiver == "down" })
        #expect(downEntry.attempts > 10)
        #expect(downEntry.finishedAt.map { $0.timeIntervalSince(downEntry.notification.createdAt) >= 86_400 } == true)
    }

    @Test("a crash after sending but before recording resends with the same id; a restart loses nothing")
    func crashAndRestart() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-crash")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("alerts.sqlite").path
        let server = try await LabHTTPReceiver()
        let batch = self.notifications(5)
        do {
            let store = try await AlertStore(path: path)
            try await store.enqueue(batch)
            // "Crash": the receiver got the first two, but the process died before marking them delivered.
            let sender = try WebhookSender(url: server.url, http: deliveryHTTP)
            for notification in batch.prefix(2) { try await sender.send(notification, timeout: 10) }
        }
        // Restart: a new store on the same file and a new worker.
        let store = try await AlertStore(path: path)
        #expect(try await store.outboxCounts()[.pending] == 5)
        let worker = DeliveryWorker(
            store: store, senders: ["hook": try WebhookSender(url: server.url, http: deliveryHTTP)])
        try await worker.deliverDue()
        #expect(try await store.outboxCounts()[.delivered] == 5)
        let ids = server.accepted.map { $0.headers["webhook-id"] ?? "" }
        // Five distinct ids, nothing lost; the two resent ones carry the same id (receivers deduplicate on it).
        #expect(Set(ids) == Set(batch.map(\.id)))
        #expect(ids.count == 7)
        await server.shutdown()
    }

    @Test("the worker as a long-running Service delivers what is enqueued while it runs, and stops on cancel")
    func serviceLoop() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-service")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await LabHTTPReceiver(script: [.status(503, retryAfter: "0")])
        let store = try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        let worker = DeliveryWorker(
            store: store, senders: ["hook": try WebhookSender(url: server.url, http: deliveryHTTP)],
            policy: RetryPolicy(baseDelay: 0.05, maximumDelay: 0.1, deadline: 60, attemptTimeout: 2), pollInterval: 0.05
        )
        let running = Task { try await worker.run() }
        let batch = self.notifications(3)
        try await store.enqueue(batch)
        let delivered = await eventually(timeout: .seconds(20)) { (try? await store.outboxCounts()[.delivered]) == 3 }
        running.cancel()
        _ = await running.result
        await server.shutdown()
        #expect(delivered)
        #expect(Set(server.accepted.compactMap { $0.headers["webhook-id"] }) == Set(batch.map(\.id)))
        #expect(server.attempts == 4)
    }

    @Test(
        "HTTPS webhook: verified against the receiver's CA; an untrusted certificate is refused",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs openssl"))
    func httpsWebhook() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-https")
        defer { try? FileManager.default.removeItem(at: directory) }
        try SelfSignedCertificate.write(in: directory)
        let certificate = directory.appendingPathComponent("cert.pem").path
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(
                try NIOSSLPrivateKey(file: directory.appendingPathComponent("key.pem").path, format: .pem)))
        let server = try await LabHTTPReceiver(tls: tls)
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let notification = self.notifications(1)[0]
        let trusted = try WebhookSender(url: server.url, secret: secret, http: deliveryHTTP, caFile: certificate)
        try await trusted.send(notification, timeout: 10)
        #expect(server.accepted.map { $0.headers["webhook-id"] } == [notification.id])
        // The system's roots do not include the test certificate: the attempt fails as a transient error.
        do {
            try await WebhookSender(url: server.url, secret: secret, http: deliveryHTTP).send(notification, timeout: 10)
            Issue.record("an untrusted certificate was accepted")
        } catch {
            #expect(error.isTransient)
        }
        #expect(server.accepted.count == 1)
        await server.shutdown()
    }
}
