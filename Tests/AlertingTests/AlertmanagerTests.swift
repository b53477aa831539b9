import Foundation
import NetmonLab
import NetmonProtocol
import SiteCatalog
import TestSupport
import Testing

@testable import Alerting

let alertmanagerPath = "/usr/bin/prometheus-alertmanager"

@Suite(
    "A real Alertmanager: push, its API, its webhooks",
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: alertmanagerPath),
        "needs Debian's prometheus-alertmanager at /usr/bin/prometheus-alertmanager"))
struct AlertmanagerTests {
    /// Starts Alertmanager on a free port with a webhook receiver pointing at `webhookURL`.
    func startAlertmanager(directory: URL, webhookURL: String) async throws -> (ChildProcess, Int) {
        let config = """
            route:
              receiver: netmon
              group_by: [alertname, commune]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: netmon
                webhook_configs:
                  - url: \(webhookURL)
                    send_resolved: true
            """
        let configURL = directory.appendingPathComponent("alertmanager.yml")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        for _ in 0..<5 {
            let port = try freePort()
            let process = try ChildProcess(
                [
                    alertmanagerPath,
                    "--config.file=\(configURL.path)",
                    "--storage.path=\(directory.appendingPathComponent("data").path)",
                    "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
                ], log: directory.appendingPathComponent("alertmanager-\(port).log").path)
            let client = deliveryHTTP
            let ready = await eventually(timeout: .seconds(15)) {
                let endpoint = try? HTTPEndpoint("http://127.0.0.1:\(port)/-/ready")
                guard let endpoint else { return false }
                return (try? await client.execute(method: .GET, endpoint: endpoint, timeout: 1))?.status == 200
            }
            if ready { return (process, port) }
            process.stop(grace: 0)
        }
        throw DeliveryError(code: .connectionFailed, message: "Alertmanager did not become ready")
    }

    @Test("netmon pushes into Alertmanager; fingerprints agree; endsAt resolves; AM's v4 webhook decodes")
    func pushAndWebhook() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-am")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try await LabHTTPReceiver()
        defer { Task { await receiver.shutdown() } }
        let (process, port) = try await startAlertmanager(directory: directory, webhookURL: receiver.url)
        defer { process.stop(grace: 0) }

        let sender = try AlertmanagerPushSender(url: "http://127.0.0.1:\(port)", http: deliveryHTTP)
        let start = Date().addingTimeInterval(-60)
        let alert = Alert(
            labels: [
                "alertname": "LinkLoss", "commune": "12345", "commune_name": "Xã Nam Tiền Hải", "severity": "critical",
                "target": "portal",
            ],
            annotations: ["summary": "Packet loss 25.0% from Xã Nam Tiền Hải to portal"], startsAt: start,
            generatorURL: "http://netmon.local/alerts")
        let notification = AlertNotification(
            id: AlertNotification.makeID(), receiver: "alertmanager", groupKey: "k", groupLabels: [:], alerts: [alert],
            createdAt: Date())
        try await sender.send(notification, timeout: 5)

        let client = deliveryHTTP
        let alertsEndpoint = try HTTPEndpoint("http://127.0.0.1:\(port)/api/v2/alerts")
        let response = try await client.execute(method: .GET, endpoint: alertsEndpoint, timeout: 5)
        #expect(response.status == 200)
        let listed = try #require(JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
        let found = try #require(listed.first { ($0["labels"] as? [String: String])?["commune"] == "12345" })
        #expect(found["fingerprint"] as? String == alert.fingerprint.hex)  // Alertmanager computes the same
        #expect((found["labels"] as? [String: String]) == alert.labels)
        #expect((found["status"] as? [String: Any])?["state"] as? String == "active")
        let endsAt = try #require((found["endsAt"] as? String).flatMap(RFC3339.parse))
        #expect(endsAt > Date().addingTimeInterval(120))  // valid for a while, must be re-sent

        // Alertmanager notifies our receiver with a version 4 webhook.
        #expect(await eventually(timeout: .seconds(20)) { !receiver.accepted.isEmpty })
        let firing = try JSONDecoder().decode(
            AlertmanagerWebhookPayload.self, from: Data(try #require(receiver.accepted.first).body))
        #expect(firing.version == "4")
        #expect(firing.status == .firing)
        #expect(firing.alerts.first?.fingerprint == alert.fingerprint.hex)
        #expect(firing.groupLabels == ["alertname": "LinkLoss", "commune": "12345"])
        #expect(firing.commonLabels["commune_name"] == "Xã Nam Tiền Hải")

        // Resolution: endsAt now. Alertmanager marks it resolved and sends the resolved webhook.
        var resolved = alert
        resolved.endsAt = Date()
        try await sender.push([resolved])
        #expect(
            await eventually(timeout: .seconds(20)) {
                receiver.accepted.contains { request in
                    (try? JSONDecoder().decode(AlertmanagerWebhookPayload.self, from: Data(request.body)))?.status
                        == .resolved
                }
            })
        let after = try await client.execute(
            method: .GET,
            endpoint: alertsEndpoint.with(path: "/api/v2/alerts?active=true&silenced=true&inhibited=true"),
            timeout: 5)
        let remaining = try #require(JSONSerialization.jsonObject(with: Data(after.body)) as? [[String: Any]])
        #expect(!remaining.contains { ($0["labels"] as? [String: String])?["commune"] == "12345" })
    }

    @Test("the resender re-posts firing alerts routed to the Alertmanager receiver from the store")
    func resender() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-am2")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try await LabHTTPReceiver()
        defer { Task { await receiver.shutdown() } }
        let (process, port) = try await startAlertmanager(directory: directory, webhookURL: receiver.url)
        defer { process.stop(grace: 0) }
        let store = try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        let route = Route(
            receiver: "hook", groupBy: ["alertname"], groupWait: 0,
            routes: [Route(receiver: "am", matchers: [try LabelMatcher(parsing: "severity=critical")])])
        let processor = try await AlertProcessor(store: store, rules: AlertRules(forSeconds: 0), route: route)
        let now = Date()
        await processor.ingest(
            [makeRound(commune: "77777", target: "hub", sequence: 1, start: now - 60, lost: 20)], receivedAt: now)
        let enqueued = try await processor.tick(at: now)
        #expect(enqueued.map(\.receiver).sorted() == ["am", "hook"])
        let resender = AlertmanagerResender(
            store: store, route: route, receiver: "am",
            sender: try AlertmanagerPushSender(url: "http://127.0.0.1:\(port)", http: deliveryHTTP))
        #expect(try await resender.firingAlerts().allSatisfy { $0.labels["severity"] == "critical" })
        try await resender.resendOnce()
        let response = try await deliveryHTTP.execute(
            method: .GET, endpoint: try HTTPEndpoint("http://127.0.0.1:\(port)/api/v2/alerts"), timeout: 5)
        let listed = try #require(JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
        #expect(listed.contains { ($0["labels"] as? [String: String])?["commune"] == "77777" })
    }
}
