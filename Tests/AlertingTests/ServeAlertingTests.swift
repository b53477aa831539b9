import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonLab
import NetmonProtocol
import NetmonServer
import ServerAlerting
import SiteCatalog
import TestSupport
import Testing

@testable import Alerting

/// A real server (the same `buildApplication` `netmon serve` runs, over a real SQLite store, listening on a real
/// socket) with alerting plugged in as `netmon serve` plugs it in; a real webhook receiver on loopback.
@Suite("netmon serve with alerting: ingest → alert → signed webhook; alerts and silences API")
struct ServeAlertingTests {
    static let secret = "whsec_bmV0bW9uLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODlhYg=="
    static let admin = "admin-secret-0123456789"
    static let viewer = "viewer-secret-0123456789"
    /// Where round 0 would start: twelve hours before first use, fixed, so that a sequence number posted again is
    /// the identical round (a duplicate). Taken from the clock at each post, a second boundary between two posts of
    /// one sequence changed its start on the wire (whole seconds) and made it a conflict.
    ///
    /// Each sequence moves round time 60 s on while the test posts every 100 ms, and the server refuses a round
    /// that ends more than 300 s after its clock. One hour of headroom (65 posts) ran out on a loaded CI machine,
    /// where the waits for the notifications took more rounds; twelve hours give 715.
    static let roundsBegin = Date().addingTimeInterval(-12 * 3600)
    static let communes = [("10001", "Xã Nam Tiền Hải"), ("10002", "Phường Hưng Yên"), ("10003", "Xã Tiên Lữ")]

    static func sitesYAML(webhookURL: String) -> String {
        var text = """
            version: 1
            province: { name: Hưng Yên, code: "33" }
            network:
              supernet: 10.33.0.0/16
              datacenter: { name: Test, subnet: 10.33.0.0/24, hub: 10.33.0.1 }
              commune_prefix_length: 24
            defaults:
              probe: { probes: 20, step: 60s, timeout: 2s, interval: 1s, payload_bytes: 56 }
              thresholds:
                latency_ms: { warn: 50, critical: 150, clear: 40 }
                loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }
            communes:

            """
        for (index, (code, name)) in Self.communes.enumerated() {
            text += """
                  - code: "\(code)"
                    name: \(name)
                    subnet: 10.33.\(index + 1).0/24
                    gateway: 10.33.\(index + 1).1
                    probe_id: probe-\(code)
                    targets:
                      - { name: hub, address: 10.33.0.1, kind: icmp }

                """
        }
        text += """
            coverage:
              floors: { 4G: { metric: rsrp_dbm, dbm: -115 }, 5G: { metric: nr_ss_rsrp_dbm, dbm: -110 } }
              targets: { 4g_every_commune: true, 5g_area_ratio: 0.60, max_dead_zones: 0 }
            alerts:
              receivers:
                - { name: noc, webhook: { url: "\(webhookURL)", secret: \(Self.secret), format: standard } }
              route: { receiver: noc, group_by: [alertname, commune], group_wait: 0s, group_interval: 1s, repeat_interval: 1h }
              rules: { gateway_silent_minutes: 60, for: 1s }

            """
        return text
    }

    /// The server's view of sites.yaml, as `netmon serve` builds it.
    static func serverConfiguration(_ sites: SitesConfig) -> ServerConfiguration {
        ServerConfiguration(
            provinceName: sites.province.name,
            communes: sites.communes.map { c in
                ServerCommune(
                    code: c.code, name: c.name, probeID: c.probeID, gateway: c.gateway.description,
                    targets: sites.targets(for: c).map { t in
                        ServerTarget(
                            name: t.name, address: t.address.description,
                            latencyMs: .init(
                                warn: t.thresholds.latencyMs.warn, critical: t.thresholds.latencyMs.critical),
                            lossRatio: .init(
                                warn: t.thresholds.lossRatio.warn, critical: t.thresholds.lossRatio.critical))
                    })
            },
            boundariesPath: nil, rateLimit: RateLimit(requestsPerSecond: 1000, burst: 1000))
    }

    /// Posts one round of `commune` (`lost` of 20 probes lost) and returns the ingest reply's counts.
    static func post(
        _ client: any TestClientProtocol, commune: String, sequence: Int64, lost: Int
    ) async throws -> (accepted: Int, duplicates: Int) {
        let start = Self.roundsBegin.addingTimeInterval(Double(sequence) * 60)
        let round = ProbeRound(
            probeID: "probe-\(commune)", sequence: sequence, commune: commune, target: "hub", address: "10.33.0.1",
            kind: "icmp", start: start, stepSeconds: 60, sent: 20, received: 20 - lost,
            rttSeconds: Array(repeating: 0.012, count: 20 - lost), jitterSeconds: 0.0005)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let body = try encoder.encode(ProbeRoundBatch(probeID: "probe-\(commune)", rounds: [round]))
        let response = try await client.execute(
            uri: "/api/v1/ingest/rounds", method: .post,
            headers: [.authorization: "Bearer probe-secret-\(commune)-xx", .contentType: "application/json"],
            body: ByteBuffer(bytes: body))
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        struct Reply: Decodable {
            var accepted: Int
            var duplicates: Int
            var rejected: [RoundRejection]?
        }
        let reply = try JSONDecoder().decode(Reply.self, from: Data(buffer: response.body))
        #expect(
            reply.rejected?.isEmpty ?? true, "round \(sequence) of \(commune) refused: \(String(buffer: response.body))"
        )
        return (reply.accepted, reply.duplicates)
    }

    static func call(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String = viewer,
        json: String? = nil
    ) async throws -> (status: HTTPResponse.Status, json: [String: Any], text: String) {
        var headers: HTTPFields = [.authorization: "Bearer \(token)"]
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let text = String(buffer: response.body)
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (response.status, object, text)
    }

    /// The netmon webhook bodies received so far, decoded, with their requests.
    static func notifications(_ webhook: LabHTTPReceiver) throws -> [(LabHTTPReceiver.Request, NetmonWebhookPayload)] {
        try webhook.accepted.map { ($0, try JSONDecoder().decode(NetmonWebhookPayload.self, from: Data($0.body))) }
    }

    /// Waits (asynchronously) until `condition` holds, at most `timeout` seconds, running `meanwhile` every round.
    static func wait(
        timeout: Double = 25, _ what: String, meanwhile: () async throws -> Void = {},
        until condition: () throws -> Bool
    ) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while try !condition() {
            guard Date() < deadline else {
                Issue.record("timed out after \(timeout) s waiting for \(what)")
                throw CancellationError()
            }
            try await meanwhile()
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test(
        "loss above threshold for longer than `for` → one signed firing webhook, then one resolved; API lists it; an API silence mutes"
    )
    func endToEnd() async throws {
        let directory = makeTemporaryDirectory("netmon-serve-alerting")
        defer { try? FileManager.default.removeItem(at: directory) }
        let webhook = try await LabHTTPReceiver()
        defer { Task { await webhook.shutdown() } }
        let sitesPath = directory.appendingPathComponent("sites.yaml").path
        try Self.sitesYAML(webhookURL: webhook.url).write(toFile: sitesPath, atomically: true, encoding: .utf8)
        let sites = try SitesConfig.load(path: sitesPath)
        let alerting = try await ServerAlerting(
            sites: sites,
            options: .init(
                storePath: directory.appendingPathComponent("alerts.sqlite").path, evaluationInterval: 0.2,
                deliveryPollInterval: 0.1), http: deliveryHTTP)
        let store = try SQLiteProvinceStore(path: directory.appendingPathComponent("netmon.sqlite").path)
        var grants = [
            TokenGrant(name: "noc", role: .viewer, probeID: nil, secret: Self.viewer),
            TokenGrant(name: "root", role: .admin, probeID: nil, secret: Self.admin),
        ]
        for (code, _) in Self.communes {
            grants.append(
                TokenGrant(
                    name: "probe-\(code)", role: .probe, probeID: "probe-\(code)", secret: "probe-secret-\(code)-xx"))
        }
        let app = try buildApplication(
            configuration: Self.serverConfiguration(sites), store: store, port: 0, tokens: grants,
            alerts: alerting.api, ingestListeners: [alerting.api], services: alerting.services)

        try await app.test(.live) { client in
            let a = "10001"
            let b = "10002"
            let c = "10003"
            var sequence: Int64 = 0
            // 1. Loss of 50 % on commune A's hub link, reported every 100 ms until the alert has fired and notified.
            let firstLossy = Date()
            sequence += 1
            #expect(try await Self.post(client, commune: a, sequence: sequence, lost: 10) == (1, 0))
            // The same batch again is dropped as a duplicate and does not reach alerting twice.
            #expect(try await Self.post(client, commune: a, sequence: sequence, lost: 10) == (0, 1))
            try await Self.wait(
                "the firing notification",
                meanwhile: {
                    sequence += 1
                    _ = try await Self.post(client, commune: a, sequence: sequence, lost: 10)
                }, until: { !webhook.accepted.isEmpty })
            let firedAt = Date()
            #expect(firedAt.timeIntervalSince(firstLossy) >= 1.0, "fired before `for: 1s` had passed")
            // Keep the loss up for longer than group_interval: still exactly one notification (repeat is 1 h).
            for _ in 0..<15 {
                sequence += 1
                _ = try await Self.post(client, commune: a, sequence: sequence, lost: 10)
                try await Task.sleep(for: .milliseconds(100))
            }
            var received = try Self.notifications(webhook)
            #expect(received.count == 1)
            let (request, firing) = try #require(received.first)
            #expect(firing.type == "alert.firing")
            #expect(firing.data.groupLabels == ["alertname": "LinkLoss", "commune": a])
            #expect(Set(firing.data.alerts.map { $0.labels["severity"] ?? "" }) == ["warning", "critical"])
            #expect(firing.data.alerts.allSatisfy { $0.labels["commune_name"] == "Xã Nam Tiền Hải" })
            let signer = try StandardWebhookSigner(secret: Self.secret)
            let id = try #require(request.headers["webhook-id"])
            let timestamp = try #require(request.headers["webhook-timestamp"].flatMap { Int64($0) })
            let signature = try #require(request.headers["webhook-signature"])
            #expect(signer.verify(id: id, timestamp: timestamp, body: request.body, signatureHeader: signature))
            #expect(signature == signer.signature(id: id, timestamp: timestamp, body: request.body))
            #expect(!signer.verify(id: id + "x", timestamp: timestamp, body: request.body, signatureHeader: signature))

            // 2. The API shows both alerts firing, with labels and since when; filters work; bad filters are 400.
            let listed = try await Self.call(client, .get, "/api/v1/alerts?state=firing&match=commune=\(a)")
            #expect(listed.status == .ok)
            let alerts = try #require(listed.json["alerts"] as? [[String: Any]])
            #expect(alerts.count == 2)
            for alert in alerts {
                #expect(alert["state"] as? String == "firing")
                #expect((alert["labels"] as? [String: String])?["alertname"] == "LinkLoss")
                let since = try #require((alert["since"] as? String).flatMap(RFC3339.parse))
                #expect(since >= firstLossy.addingTimeInterval(-1) && since <= firedAt)
            }
            let none = try await Self.call(client, .get, "/api/v1/alerts?state=resolved&match=commune=\(a)")
            #expect((none.json["alerts"] as? [Any])?.isEmpty == true)
            let badState = try await Self.call(client, .get, "/api/v1/alerts?state=burning")
            #expect(badState.status == .badRequest)
            #expect(badState.text.contains("burning"))
            let badMatch = try await Self.call(client, .get, "/api/v1/alerts?match=commune")
            #expect(badMatch.status == .badRequest)
            // A catastrophic-backtracking pattern from a viewer is refused, not evaluated.
            let evilMatch = try await Self.call(client, .get, "/api/v1/alerts?match=commune=~(a%2B)%2B%24")
            #expect(evilMatch.status == .badRequest)
            #expect(evilMatch.text.contains("nested quantifiers"), "\(evilMatch.text)")
            let anonymous = try await client.execute(uri: "/api/v1/alerts", method: .get)
            #expect(anonymous.status == .unauthorized)

            // 3. Healthy rounds: one resolved notification.
            try await Self.wait(
                "the resolved notification",
                meanwhile: {
                    sequence += 1
                    _ = try await Self.post(client, commune: a, sequence: sequence, lost: 0)
                }, until: { webhook.accepted.count >= 2 })
            for _ in 0..<15 {
                sequence += 1
                _ = try await Self.post(client, commune: a, sequence: sequence, lost: 0)
                try await Task.sleep(for: .milliseconds(100))
            }
            received = try Self.notifications(webhook)
            #expect(received.count == 2)
            let resolved = try #require(received.last?.1)
            #expect(resolved.type == "alert.resolved")
            #expect(resolved.data.alerts.count == 2)
            #expect(resolved.data.alerts.allSatisfy { $0.status == .resolved })
            #expect(received.last?.0.headers["webhook-id"] != id)
            let after = try await Self.call(client, .get, "/api/v1/alerts?match=commune=\(a)")
            let states = (after.json["alerts"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }
            #expect(states == ["resolved", "resolved"])

            // 4. Silences: viewers may read but not write; bad bodies are 400 with the field named.
            let denied = try await Self.call(
                client, .post, "/api/v1/silences", json: #"{"matchers": ["commune=\#(b)"]}"#)
            #expect(denied.status == .forbidden)
            let badMatcher = try await Self.call(
                client, .post, "/api/v1/silences", token: Self.admin, json: #"{"matchers": ["commune"]}"#)
            #expect(badMatcher.status == .badRequest)
            #expect(badMatcher.text.contains("matchers[0]"))
            let badDuration = try await Self.call(
                client, .post, "/api/v1/silences", token: Self.admin,
                json: #"{"matchers": ["commune=\#(b)"], "duration": "soon"}"#)
            #expect(badDuration.status == .badRequest)
            #expect(badDuration.text.contains("duration"))
            let typo = try await Self.call(
                client, .post, "/api/v1/silences", token: Self.admin,
                json: #"{"matcher": ["commune=\#(b)"]}"#)
            #expect(typo.status == .badRequest)
            let created = try await Self.call(
                client, .post, "/api/v1/silences", token: Self.admin,
                json:
                    #"{"matchers": ["commune=\#(b)"], "duration": "1h", "createdBy": "mallory", "comment": "bảo trì đường truyền"}"#
            )
            #expect(created.status == .created, "\(created.text)")
            let silenceID = try #require(created.json["id"] as? String)
            // The author is the token's name; the claimed one is only free text in the comment.
            #expect(created.json["createdBy"] as? String == "root")
            #expect(created.json["comment"] as? String == "on behalf of mallory: bảo trì đường truyền")
            let tooLong = try await Self.call(
                client, .post, "/api/v1/silences", token: Self.admin,
                json: #"{"matchers": ["commune=\#(b)"], "duration": "1e300d"}"#)
            #expect(tooLong.status == .badRequest, "\(tooLong.text)")
            let silences = try await Self.call(client, .get, "/api/v1/silences")
            #expect((silences.json["silences"] as? [[String: Any]])?.map { $0["id"] as? String } == [silenceID])

            // 5. B (silenced) and C (not) lose packets: C is notified, B is not, though B fires and shows silenced.
            try await Self.wait(
                "the notification for the unsilenced commune",
                meanwhile: {
                    sequence += 1
                    _ = try await Self.post(client, commune: b, sequence: sequence, lost: 10)
                    _ = try await Self.post(client, commune: c, sequence: sequence, lost: 10)
                }, until: { try Self.notifications(webhook).contains { $0.1.data.groupLabels["commune"] == c } })
            try await Task.sleep(for: .seconds(1.5))  // past group_interval: B would have been flushed by now
            received = try Self.notifications(webhook)
            #expect(received.count == 3)
            #expect(!received.contains { $0.1.data.groupLabels["commune"] == b })
            let silenced = try await Self.call(client, .get, "/api/v1/alerts?state=firing&match=commune=\(b)")
            let silencedAlerts = silenced.json["alerts"] as? [[String: Any]] ?? []
            #expect(silencedAlerts.count == 2)
            #expect(silencedAlerts.allSatisfy { $0["isSilenced"] as? Bool == true })

            // 6. Expiring the silence through the API lets B's notification out; expiring it again is 404.
            let denyDelete = try await Self.call(client, .delete, "/api/v1/silences/\(silenceID)")
            #expect(denyDelete.status == .forbidden)
            let expired = try await Self.call(client, .delete, "/api/v1/silences/\(silenceID)", token: Self.admin)
            #expect(expired.status == .ok)
            let again = try await Self.call(client, .delete, "/api/v1/silences/\(silenceID)", token: Self.admin)
            #expect(again.status == .notFound)
            try await Self.wait("the notification once the silence ended") {
                try Self.notifications(webhook).contains { $0.1.data.groupLabels["commune"] == b }
            }
            #expect(try await Self.call(client, .get, "/api/v1/silences").json["silences"] as? [Any] != nil)

            // 7. The server's /metrics carries the alert store's figures, valid for promtool.
            let text = try await Self.call(client, .get, "/metrics").text  // with the viewer token
            #expect(text.contains("netmon_alerts{state=\"firing\"} 4.0\n"))  // B and C, warning and critical
            #expect(text.contains("netmon_alerts{state=\"resolved\"} 2.0\n"))  // A
            #expect(text.contains("netmon_alert_notifications{state=\"dead\"} 0.0\n"))
            #expect(text.contains("netmon_alert_notifications_dead_lettered_total 0\n"))
            if let verdict = try Promtool.checkMetrics(text) {
                #expect(verdict.status == 0, "promtool: \(verdict.output)")
            }
        }
    }

    /// Posts one healthy round of `commune` with `health` (raw wire JSON, as the probe's forwarder writes it).
    static func post(
        _ client: any TestClientProtocol, commune: String, sequence: Int64, health: String
    ) async throws -> (status: HTTPResponse.Status, text: String) {
        let start = Self.roundsBegin.addingTimeInterval(Double(sequence) * 60)
        let round = ProbeRound(
            probeID: "probe-\(commune)", sequence: sequence, commune: commune, target: "hub", address: "10.33.0.1",
            kind: "icmp", start: start, stepSeconds: 60, sent: 20, received: 20,
            rttSeconds: Array(repeating: 0.012, count: 20), jitterSeconds: 0.0005)
        let roundJSON = String(decoding: try WireCoding.makeEncoder().encode(round), as: UTF8.self)
        let body = #"{"health":\#(health),"probe_id":"probe-\#(commune)","rounds":[\#(roundJSON)]}"#
        let response = try await client.execute(
            uri: "/api/v1/ingest/rounds", method: .post,
            headers: [.authorization: "Bearer probe-secret-\(commune)-xx", .contentType: "application/json"],
            body: ByteBuffer(string: body))
        return (response.status, String(buffer: response.body))
    }

    @Test(
        "probe health with the batches: a backlog raises ForwardingBacklog after `for` and clears; capture drops raise CaptureDrops; old batches still ingest"
    )
    func probeHealth() async throws {
        let directory = makeTemporaryDirectory("netmon-serve-health")
        defer { try? FileManager.default.removeItem(at: directory) }
        let webhook = try await LabHTTPReceiver()
        defer { Task { await webhook.shutdown() } }
        let sitesPath = directory.appendingPathComponent("sites.yaml").path
        try Self.sitesYAML(webhookURL: webhook.url).write(toFile: sitesPath, atomically: true, encoding: .utf8)
        let sites = try SitesConfig.load(path: sitesPath)
        let alerting = try await ServerAlerting(
            sites: sites,
            options: .init(
                storePath: directory.appendingPathComponent("alerts.sqlite").path, evaluationInterval: 0.2,
                deliveryPollInterval: 0.1), http: deliveryHTTP)
        let store = try SQLiteProvinceStore(path: directory.appendingPathComponent("netmon.sqlite").path)
        var grants = [TokenGrant(name: "noc", role: .viewer, probeID: nil, secret: Self.viewer)]
        for (code, _) in Self.communes {
            grants.append(
                TokenGrant(
                    name: "probe-\(code)", role: .probe, probeID: "probe-\(code)", secret: "probe-secret-\(code)-xx"))
        }
        let app = try buildApplication(
            configuration: Self.serverConfiguration(sites), store: store, port: 0, tokens: grants,
            alerts: alerting.api, ingestListeners: [alerting.api], services: alerting.services)

        try await app.test(.live) { client in
            let a = "10001"
            var sequence: Int64 = 0
            func health(_ pending: Int, drops: Int? = nil, sentAt: Date = Date()) -> String {
                let d = drops.map { #""capture_drops_total":\#($0),"# } ?? ""
                return #"{\#(d)"outbox_pending":\#(pending),"sent_at":"\#(RFC3339.format(sentAt))"}"#
            }
            func alerts(_ name: String, _ state: String) async throws -> [[String: Any]] {
                let listed = try await Self.call(
                    client, .get, "/api/v1/alerts?state=\(state)&match=alertname=\(name)&match=commune=\(a)")
                return listed.json["alerts"] as? [[String: Any]] ?? []
            }
            func postUntil(_ what: String, health make: () -> String, _ done: () async throws -> Bool) async throws {
                let deadline = Date().addingTimeInterval(20)
                while try await !done() {
                    guard Date() < deadline else {
                        Issue.record("timed out waiting for \(what)")
                        throw CancellationError()
                    }
                    sequence += 1
                    let reply = try await Self.post(client, commune: a, sequence: sequence, health: make())
                    #expect(reply.status == .ok, "\(reply.text)")
                    try await Task.sleep(for: .milliseconds(100))
                }
            }

            // 1. A batch in the old format (no health) still ingests, and raises nothing.
            sequence += 1
            #expect(try await Self.post(client, commune: a, sequence: sequence, lost: 0) == (1, 0))

            // 2. 5,000 rounds waiting (the rule: 1,000): pending first, firing after `for: 1s`.
            let first = Date()
            try await postUntil("ForwardingBacklog firing", health: { health(5000) }) {
                try await !alerts("ForwardingBacklog", "firing").isEmpty
            }
            #expect(Date().timeIntervalSince(first) >= 1.0, "fired before `for: 1s` had passed")
            let firing = try #require(try await alerts("ForwardingBacklog", "firing").first)
            #expect((firing["labels"] as? [String: String])?["commune_name"] == "Xã Nam Tiền Hải")
            #expect((firing["annotations"] as? [String: String])?["value"] == "5000.0")

            // 3. The backlog drains: it resolves.
            try await postUntil("ForwardingBacklog resolved", health: { health(3) }) {
                try await !alerts("ForwardingBacklog", "resolved").isEmpty
            }
            #expect(try await alerts("ForwardingBacklog", "firing").isEmpty)

            // 4. Capture drops: 1,000 more in 2 minutes (500/min, the rule: 100/min) raise CaptureDrops.
            sequence += 1
            #expect(
                try await Self.post(
                    client, commune: a, sequence: sequence, health: health(0, drops: 50, sentAt: Date() - 120)
                ).status == .ok)
            try await postUntil("CaptureDrops firing", health: { health(0, drops: 1050) }) {
                try await !alerts("CaptureDrops", "firing").isEmpty
            }

            // 5. Health that cannot be right is refused with the field named; the rounds stay out.
            sequence += 1
            let bad = try await Self.post(client, commune: a, sequence: sequence, health: health(-1))
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("health.outbox_pending"))
        }
    }
}
