import Foundation
import GRDB
import SiteCatalog
import TestSupport
import Testing

@testable import Alerting

/// The store's GRDB records read the rows earlier versions wrote with hand-written SQL, on the unchanged schema.
@Suite("Alert store: rows written as earlier versions wrote them read back through the records")
struct AlertStoreSchemaTests {
    /// JSON as earlier versions stored it: keys sorted, dates as Unix seconds.
    static func oldJSON(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("alerts, silences, outbox rows and the snapshot of the v1 schema read back unchanged")
    func readsRowsOfEarlierVersions() async throws {
        let directory = makeTemporaryDirectory("netmon-alert-store-schema")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("alerts.sqlite").path
        _ = try await AlertStore(path: path)  // creates and migrates the file
        let labels = ["alertname": "LinkLoss", "commune": "12345", "severity": "critical"]
        let alert = Alert(labels: labels, annotations: ["summary": "loss"], startsAt: epoch)
        let notification = AlertNotification(
            id: "n1", receiver: "hook", groupKey: "{}:{alertname=\"LinkLoss\"}", groupLabels: ["alertname": "LinkLoss"],
            alerts: [alert], createdAt: epoch + 10)
        var dispatcher = NotificationDispatcher(
            route: Route(receiver: "hook", groupBy: ["alertname"], groupWait: 30, groupInterval: 300))
        dispatcher.receive(alert, at: epoch)
        let dispatcherJSON = try Self.oldJSON(dispatcher)
        do {
            let pool = try DatabasePool(path: path)
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO alert (fingerprint, state, labels, annotations, since, starts_at, ends_at)
                        VALUES (?, 'firing', ?, ?, ?, ?, NULL)
                        """,
                    arguments: [
                        alert.fingerprint.hex, try Self.oldJSON(labels), try Self.oldJSON(alert.annotations),
                        epoch.timeIntervalSince1970, epoch.timeIntervalSince1970,
                    ])
                try db.execute(
                    sql: """
                        INSERT INTO silence (id, matchers, starts_at, ends_at, created_by, comment)
                        VALUES ('s1', ?, ?, ?, 'noc', 'maintenance')
                        """,
                    arguments: [
                        try Self.oldJSON([#"commune="12345""#, #"alertname=~"Link\\d*|LinkLoss""#]),
                        epoch.timeIntervalSince1970, epoch.timeIntervalSince1970 + 3600,
                    ])
                try db.execute(
                    sql: """
                        INSERT INTO outbox (id, receiver, notification, created_at, next_attempt_at)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        notification.id, notification.receiver, try Self.oldJSON(notification),
                        notification.createdAt.timeIntervalSince1970, notification.createdAt.timeIntervalSince1970,
                    ])
                for (name, json) in [
                    ("engine", try Self.oldJSON(AlertEngine(rules: AlertRules()))),
                    ("dispatcher", dispatcherJSON),
                ] {
                    try db.execute(
                        sql: "INSERT INTO snapshot (name, json, updated_at) VALUES (?, ?, ?)",
                        arguments: [name, json, epoch.timeIntervalSince1970])
                }
            }
            try pool.close()
        }

        let store = try await AlertStore(path: path)
        let alerts = try await store.alerts(now: epoch + 60)
        #expect(alerts.count == 1)
        #expect(alerts.first?.fingerprint == alert.fingerprint)
        #expect(alerts.first?.state == .firing && alerts.first?.labels == labels)
        #expect(alerts.first?.since == epoch && alerts.first?.startsAt == epoch && alerts.first?.endsAt == nil)
        #expect(alerts.first?.isSilenced == true)
        let silences = try await store.silences(activeAt: epoch + 60)
        #expect(silences.map(\.id) == ["s1"])
        #expect(silences.first?.matchers.map(\.value) == ["12345", #"Link\d*|LinkLoss"#])
        let due = try await store.due(at: epoch + 10)
        #expect(due.map(\.notification) == [notification])
        #expect(due.first?.state == .pending && due.first?.attempts == 0 && due.first?.nextAttemptAt == epoch + 10)
        let snapshot = try await store.loadSnapshot()
        #expect(dispatcher.groups.count == 1)
        #expect(snapshot?.dispatcher.groups == dispatcher.groups)
    }
}
