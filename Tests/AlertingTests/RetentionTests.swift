import Foundation
import SiteCatalog
import TestSupport
import Testing

@testable import Alerting

@Suite("Retention: old delivered notifications, resolved alerts and ended silences are cleaned up")
struct RetentionTests {
    @Test("clean-up deletes only what is past its retention; pending and dead notifications stay")
    func cleanUp() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-retention")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        let route = Route(receiver: "hook", groupBy: ["alertname", "commune"], groupWait: 0, groupInterval: 60)
        let processor = try await AlertProcessor(store: store, rules: AlertRules(forSeconds: 0), route: route)
        // Commune 12345 fires and resolves on day 0; commune 23456 fires on day 0 and is still firing.
        var t = epoch
        var sent: [AlertNotification] = []
        for step in 0..<4 {
            await processor.ingest(
                [
                    makeRound(commune: "12345", sequence: Int64(step), start: t, lost: step < 2 ? 10 : 0),
                    makeRound(commune: "23456", sequence: Int64(100 + step), start: t, lost: 10),
                ], receivedAt: t + 60)
            t = t + 61
            sent += try await processor.tick(at: t)
        }
        #expect(sent.count == 3)  // two firing groups, one resolved
        // Deliver the first two on day 0; the resolved one fails until it is given up; a later one stays pending.
        try await store.markDelivered(id: sent[0].id, attempts: 1, at: t)
        try await store.markDelivered(id: sent[1].id, attempts: 1, at: t)
        try await store.deadLetter(id: sent[2].id, attempts: 5, error: "503", at: t)
        let fresh = AlertNotification(
            id: AlertNotification.makeID(), receiver: "hook", groupKey: "{}:{}", groupLabels: [:], alerts: [],
            createdAt: epoch + 20 * 86_400)
        try await store.enqueue([fresh])
        try await store.add(
            Silence(matchers: [try LabelMatcher(parsing: "commune=1")], startsAt: epoch, endsAt: epoch + 3600))
        try await store.add(
            Silence(matchers: [try LabelMatcher(parsing: "commune=2")], startsAt: epoch, endsAt: epoch + 40 * 86_400))
        #expect(try await store.alerts(AlertQuery(states: [.resolved]), now: t).count == 2)

        let service = AlertRetentionService(store: store)  // 7 days for delivered, 30 for resolved and silences
        let nothingYet = try await service.cleanUp(at: epoch + 6 * 86_400)
        #expect(nothingYet == .init(deliveredNotifications: 0, resolvedAlerts: 0, silences: 0))
        let week = try await service.cleanUp(at: epoch + 8 * 86_400)
        #expect(week == .init(deliveredNotifications: 2, resolvedAlerts: 0, silences: 0))
        let month = try await service.cleanUp(at: epoch + 31 * 86_400)
        #expect(month == .init(deliveredNotifications: 0, resolvedAlerts: 2, silences: 1))
        #expect(try await store.outboxCounts() == [.pending: 1, .delivered: 0, .dead: 1])
        #expect(try await store.deadLetterCount() == 1)
        #expect(try await store.alerts(now: epoch + 31 * 86_400).map(\.state) == [.firing, .firing])
        #expect(try await store.silences().map { $0.matchers.description } == [#"[commune="2"]"#])
        // The processor keeps working on the cleaned store and still knows commune 23456 is firing.
        #expect(await processor.firingAlerts().count == 2)
    }
}
