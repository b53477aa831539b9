import Foundation
import TestSupport
import Testing

@testable import Alerting

/// A sendmail that goes away or hangs must fail the attempt (and go through the retry policy), never crash the
/// server: real child processes (shell scripts standing in for the MTA), a real outbox, the real delivery worker.
@Suite("sendmail that exits early or hangs: a failed attempt, not a crash")
struct SendmailFailureTests {
    /// An executable script in `directory` named `sendmail`.
    func script(_ body: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent("sendmail")
        try ExecutableScript.write("#!/bin/sh\n" + body + "\n", to: url.path)
        return url.path
    }

    /// A notification whose rendered email is well over a pipe's 64 KiB buffer.
    func largeNotification(createdAt: Date) -> AlertNotification {
        var notification = vietnameseNotification()
        notification.id = AlertNotification.makeID()
        notification.receiver = "mta"
        notification.createdAt = createdAt
        // The summary is in both the text and the HTML body, base64-encoded: the message is about 2.7 × its size.
        notification.alerts[0].annotations["summary"] = String(
            repeating: "Mất gói từ Xã Nam Tiền Hải. ", count: 2000)
        return notification
    }

    @Test("a sendmail that exits at once without reading a 200 KiB message: retried, then dead-lettered")
    func exitsWithoutReading() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-sendmail-epipe")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try self.script("exit 0", in: directory)
        let clock = TestClock(Date())
        let store = try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        let worker = DeliveryWorker(
            store: store, senders: ["mta": SendmailSender(path: path, from: "netmon@hungyen.gov.vn", to: ["noc@x"])],
            policy: RetryPolicy(baseDelay: 1, maximumDelay: 60, deadline: 600, attemptTimeout: 10), now: { clock.now })
        let notification = self.largeNotification(createdAt: clock.now)
        let size = AlertEmail.message(
            notification, from: "netmon@hungyen.gov.vn", to: ["noc@x"], bodyEncoding: .base64, now: clock.now,
            domain: "hungyen.gov.vn"
        ).rendered().utf8.count
        #expect(size > 128 * 1024, "the message must be well over a pipe buffer, is \(size) bytes")
        try await store.enqueue([notification])
        // Before the fix, FileHandle.write trapped on EPIPE here and took the test process (the server) down.
        try await worker.deliverDue()
        let pending = try await store.outbox(state: .pending)
        #expect(pending.count == 1)
        #expect(pending.first?.attempts == 1)
        let error = try #require(pending.first?.lastError)
        #expect(error.contains("before reading the whole message"), "\(error)")
        #expect(error.contains("status 0"), "\(error)")
        // The normal policy: retried until the deadline, then a dead letter.
        var rounds = 0
        while try await store.outboxCounts()[.pending] ?? 0 > 0 && rounds < 100 {
            if let next = try await store.nextAttempt() { clock.advance(max(1, next.timeIntervalSince(clock.now))) }
            try await worker.deliverDue()
            rounds += 1
        }
        let dead = try await store.outbox(state: .dead)
        #expect(dead.map(\.notification.id) == [notification.id])
        #expect((dead.first?.attempts ?? 0) > 1)
    }

    @Test("a sendmail that neither reads nor exits is killed at the attempt timeout: a transient timed-out error")
    func hangs() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-sendmail-hang")
        defer { try? FileManager.default.removeItem(at: directory) }
        // exec: the shell becomes sleep, so the kill reaches the process holding the pipe.
        let path = try self.script("exec sleep 60", in: directory)
        let sender = SendmailSender(path: path, from: "netmon@hungyen.gov.vn", to: ["noc@x"])
        for notification in [vietnameseNotification(), self.largeNotification(createdAt: Date())] {
            let started = Date()
            do {
                try await sender.send(notification, timeout: 1)
                Issue.record("a hanging sendmail was reported as a success")
            } catch {
                #expect(error.code == .timedOut, "\(error)")
                #expect(error.isTransient)
            }
            #expect(Date().timeIntervalSince(started) < 10)
        }
        // A sendmail that reads everything and then fails permanently keeps its status-based classification.
        let failing = try self.script("cat > /dev/null; exit 64", in: directory)
        do {
            try await SendmailSender(path: failing, from: "a@b", to: ["c@d"])
                .send(self.largeNotification(createdAt: Date()), timeout: 5)
            Issue.record("exit status 64 was reported as a success")
        } catch {
            #expect(error.code == .process)
            #expect(!error.isTransient)
            #expect(error.message == "sendmail exited with status 64", "\(error)")
        }
    }
}
