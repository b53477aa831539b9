import Foundation
import SiteCatalog
import TestSupport
import Testing

@testable import Alerting

@Suite("Processor: evaluation, routing and the outbox in one transaction; restarts")
struct ProcessorTests {
    let route = Route(
        receiver: "hook", groupBy: ["alertname", "commune"], groupWait: 30, groupInterval: 300, repeatInterval: 14_400)
    let rules = AlertRules(
        forSeconds: 120,
        communes: [.init(code: "12345", name: "Xã Nam Tiền Hải", probeID: "probe-12345")])

    @Test("concurrent ticks run one after the other, and a tick in a cancelled task still commits")
    func concurrentTicksInACancelledTask() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-processor-ticks")
        defer { try? FileManager.default.removeItem(at: directory) }
        let processor = try await AlertProcessor(
            store: try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path), rules: rules,
            route: route)
        var t = epoch
        var all: [AlertNotification] = []
        for step in 0..<5 {  // 20% loss every minute: firing after 2 min, group_wait not over yet
            await processor.ingest([makeRound(sequence: Int64(step), start: t, lost: 4)], receivedAt: t + 60)
            t = t + 60
            all += try await processor.tick(at: t)
        }
        await processor.ingest([makeRound(sequence: 5, start: t, lost: 4)], receivedAt: t + 60)
        t = t + 60
        let now = t
        // Three ticks at once at the minute the group is due, in a task cancelled before they start (as at
        // shutdown): one of them notifies, the others find nothing due, and the notification is in the outbox.
        let ticks = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            async let first = processor.tick(at: now)
            async let second = processor.tick(at: now)
            async let third = processor.tick(at: now)
            return try await first + second + third
        }
        all += try await ticks.value
        #expect(all.count == 1)
        #expect(try await processor.store.outboxCounts()[.pending] == 1)
        #expect(try await processor.store.alerts(AlertQuery(states: [.firing]), now: now).count == 2)
    }

    @Test("a restart neither re-notifies nor forgets; the resolution is notified once")
    func restart() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-processor")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("alerts.sqlite").path
        var t = epoch
        var all: [AlertNotification] = []
        do {
            let processor = try await AlertProcessor(
                store: try await AlertStore(path: path), rules: rules, route: route)
            for step in 0..<6 {  // 20% loss every minute: pending, then firing after 2 min, then group_wait
                await processor.ingest([makeRound(sequence: Int64(step), start: t, lost: 4)], receivedAt: t + 60)
                t = t + 60
                all += try await processor.tick(at: t)
            }
            #expect(all.count == 1)
            #expect(all.first?.alerts.count == 2)  // warning and critical loss alerts, one group
            let listed = try await processor.store.alerts(AlertQuery(states: [.firing]), now: t)
            #expect(listed.count == 2)
            #expect(listed.allSatisfy { $0.labels["commune_name"] == "Xã Nam Tiền Hải" })
        }
        // Restart on the same file: same input keeps firing, nothing new is sent.
        let processor = try await AlertProcessor(
            store: try await AlertStore(path: path), rules: rules, route: route, startedAt: t)
        for step in 6..<12 {
            await processor.ingest([makeRound(sequence: Int64(step), start: t, lost: 4)], receivedAt: t + 60)
            t = t + 60
            all += try await processor.tick(at: t)
        }
        #expect(all.count == 1)
        #expect(await processor.firingAlerts().count == 2)
        // Recovery: both resolve, one notification at the next group interval.
        for step in 12..<20 {
            await processor.ingest([makeRound(sequence: Int64(step), start: t, lost: 0)], receivedAt: t + 60)
            t = t + 60
            all += try await processor.tick(at: t)
        }
        #expect(all.count == 2)
        #expect(all.last?.status == .resolved)
        #expect(all.last?.alerts.allSatisfy { $0.endsAt != nil } == true)
        let store = processor.store
        #expect(try await store.outboxCounts()[.pending] == 2)
        #expect(try await store.alerts(AlertQuery(states: [.resolved]), now: t).count == 2)
        #expect(try await store.alerts(AlertQuery(states: [.firing]), now: t).isEmpty)
    }

    @Test("flapping input through the whole pipeline: at most one notification")
    func flappingPipeline() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-flap")
        defer { try? FileManager.default.removeItem(at: directory) }
        let processor = try await AlertProcessor(
            store: try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path), rules: rules,
            route: route)
        var t = epoch
        var sent = 0
        for step in 0..<240 {  // 4 hours of loss alternating 2.5% / 1.5% around the 2% threshold (clear 1%)
            let lost = step.isMultiple(of: 2) ? 5 : 3
            await processor.ingest(
                [makeRound(sequence: Int64(step), start: t, lost: lost, sent: 200)], receivedAt: t + 60)
            t = t + 60
            sent += try await processor.tick(at: t).count
        }
        #expect(sent == 1)
    }

    @Test("silences from the store mute notifications; listing shows them silenced")
    func silences() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-silence")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        let processor = try await AlertProcessor(store: store, rules: AlertRules(forSeconds: 0), route: route)
        let silence = Silence(
            matchers: [try LabelMatcher(parsing: "commune=12345")], startsAt: epoch, endsAt: epoch + 3600,
            createdBy: "noc", comment: "bảo trì đường truyền")
        try await store.add(silence)
        var sent: [AlertNotification] = []
        for minute in 1...35 {
            let t = epoch + Double(minute) * 60
            await processor.ingest([makeRound(sequence: Int64(minute), start: t - 60, lost: 10)], receivedAt: t)
            sent += try await processor.tick(at: t)
            if minute == 30 {
                #expect(sent.isEmpty)
                #expect(try await store.expireSilence(id: silence.id, at: t))
            }
        }
        #expect(sent.count == 1)  // after the silence ended, at the next group interval
        let listed = try await store.alerts(AlertQuery(states: [.firing]), now: epoch + 600)
        #expect(!listed.isEmpty)
        #expect(listed.allSatisfy { $0.isSilenced })  // at minute 10 the silence was active
        let later = try await store.alerts(AlertQuery(states: [.firing]), now: epoch + 2100)
        #expect(!later.isEmpty && later.allSatisfy { !$0.isSilenced })
        #expect(try await store.silences(activeAt: epoch + 600).map(\.comment) == ["bảo trì đường truyền"])
        #expect(try await store.silences(activeAt: epoch + 2100).isEmpty)
    }
}
