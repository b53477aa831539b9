import Foundation
import NetmonLab
import TestSupport
import Testing

@testable import Alerting

@Suite("From sites.yaml to a delivered, signed notification")
struct ConfigurationTests {
    func sitesYAML(webhookURL: String, secretFile: String) -> String {
        """
        version: 1
        province:
          name: Hưng Yên
          code: "33"
        network:
          supernet: 10.33.0.0/16
          datacenter:
            name: Trung tâm Dữ liệu
            subnet: 10.33.0.0/24
            hub: 10.33.0.1
            services:
              - { name: portal, address: 10.33.0.10, kind: tcp, port: 443 }
              - { name: meeting, address: 10.33.0.20, kind: tcp, port: 443,
                  thresholds: { latency_ms: { warn: 40, critical: 100, clear: 30 } } }
          commune_prefix_length: 24
        defaults:
          probe: { probes: 20, step: 60s, timeout: 2s, interval: 1s, payload_bytes: 56 }
          thresholds:
            latency_ms: { warn: 50, critical: 150, clear: 40 }
            loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }
        communes:
          - { code: "11953", name: Phường Phố Hiến, subnet: 10.33.1.0/24, gateway: 10.33.1.1, probe_id: probe-11953 }
          - { code: "11977", name: Xã Tân Hưng, subnet: 10.33.2.0/24, gateway: 10.33.2.1, probe_id: probe-11977 }
        coverage:
          resolution: 8
          min_samples: 3
          floors:
            3G: { metric: rscp_dbm, dbm: -110 }
            4G: { metric: rsrp_dbm, dbm: -115 }
            5G: { metric: nr_ss_rsrp_dbm, dbm: -110 }
          targets: { 4g_every_commune: true, 5g_area_ratio: 0.60, max_dead_zones: 0 }
        alerts:
          receivers:
            - { name: noc-webhook, webhook: { url: \(webhookURL), secret_file: \(secretFile), format: standard } }
            - { name: am-format, webhook: { url: \(webhookURL), format: alertmanager } }
          route:
            receiver: noc-webhook
            group_by: [alertname, commune]
            group_wait: 0s
            group_interval: 1m
            repeat_interval: 4h
            routes:
              - { matchers: ["severity=critical"], receiver: am-format, continue: true }
              - { matchers: ["severity=~warning|critical"], receiver: noc-webhook }
          rules: { gateway_silent_minutes: 5, for: 0s }
        """
    }

    @Test("sites.yaml → rules, routes and receivers; an alert is delivered signed to one and v4 to the other")
    func endToEnd() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await LabHTTPReceiver()
        let secret = "whsec_bmV0bW9uLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODlhYg=="
        let secretFile = directory.appendingPathComponent("webhook.secret")
        try (secret + "\n").write(to: secretFile, atomically: true, encoding: .utf8)
        let sitesPath = directory.appendingPathComponent("sites.yaml").path
        try self.sitesYAML(webhookURL: server.url, secretFile: secretFile.path)
            .write(toFile: sitesPath, atomically: true, encoding: .utf8)

        let configuration = try AlertingConfiguration.load(sitesPath: sitesPath)
        #expect(configuration.problems().isEmpty)
        #expect(configuration.rules.forSeconds == 0)
        #expect(configuration.rules.gatewaySilentSeconds == 300)
        #expect(configuration.rules.fiveGAreaRatio == 0.60)
        #expect(configuration.rules.communes.map(\.name) == ["Phường Phố Hiến", "Xã Tân Hưng"])
        // The meeting service's override, in seconds; the defaults elsewhere.
        #expect(configuration.rules.thresholds(commune: "11953", target: "meeting").latencySeconds.warn == 0.040)
        #expect(configuration.rules.thresholds(commune: "11953", target: "portal").latencySeconds.warn == 0.050)
        #expect(configuration.route.match(["severity": "critical"]).map(\.receiver) == ["am-format", "noc-webhook"])
        #expect(configuration.route.match(["severity": "warning"]).map(\.receiver) == ["noc-webhook"])
        #expect(configuration.route.match(["severity": "critical"]).first?.groupInterval == 60)

        let store = try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        let processor = try await AlertProcessor(
            store: store, rules: configuration.rules, route: configuration.route,
            receiversWithoutResolved: configuration.receiversWithoutResolved,
            deliveryTargets: configuration.deliveryTargets)
        let now = Date()
        await processor.ingest(
            [
                makeRound(commune: "11977", target: "hub", sequence: 1, start: now - 60, lost: 0),
                makeRound(commune: "11953", target: "hub", sequence: 1, start: now - 60, lost: 0),
                makeRound(commune: "11977", target: "portal", sequence: 2, start: now - 60, lost: 5),
            ], receivedAt: now)
        let enqueued = try await processor.tick(at: now)
        #expect(Set(enqueued.map(\.receiver)) == ["am-format", "noc-webhook"])
        let worker = DeliveryWorker(store: store, senders: try configuration.makeSenders(http: deliveryHTTP))
        try await worker.deliverDue()
        #expect(try await store.outboxCounts()[.delivered] == enqueued.count)
        await server.shutdown()

        let signer = try StandardWebhookSigner(secret: secret)
        var sawSigned = false
        var sawAlertmanager = false
        for request in server.accepted {
            if let signature = request.headers["webhook-signature"] {
                #expect(
                    signer.verify(
                        id: request.headers["webhook-id"] ?? "",
                        timestamp: Int64(request.headers["webhook-timestamp"] ?? "") ?? 0,
                        body: request.body, signatureHeader: signature))
                let payload = try JSONDecoder().decode(NetmonWebhookPayload.self, from: Data(request.body))
                #expect(payload.data.commonLabels["commune_name"] == "Xã Tân Hưng")
                sawSigned = true
            } else {
                let payload = try JSONDecoder().decode(AlertmanagerWebhookPayload.self, from: Data(request.body))
                #expect(payload.version == "4")
                #expect(payload.alerts.allSatisfy { $0.labels["severity"] == "critical" })
                sawAlertmanager = true
            }
        }
        #expect(sawSigned && sawAlertmanager)
    }

    @Test("a missing secret file is a clear configuration error")
    func missingSecret() throws {
        let directory = makeTemporaryDirectory("netmon-alerting-config-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sitesPath = directory.appendingPathComponent("sites.yaml").path
        try self.sitesYAML(
            webhookURL: "http://127.0.0.1:9/hook", secretFile: directory.appendingPathComponent("none").path
        )
        .write(toFile: sitesPath, atomically: true, encoding: .utf8)
        do {
            _ = try AlertingConfiguration.load(sitesPath: sitesPath)
            Issue.record("loaded without its secret file")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.description.contains("noc-webhook"))
        }
    }

    @Test(
        "under systemd, a secret file is read from the credential of the same name in $CREDENTIALS_DIRECTORY, else from its path"
    )
    func secretFromCredentials() throws {
        let directory = makeTemporaryDirectory("netmon-alerting-credentials")
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        try "whsec_Y29weQ==\n".write(
            to: credentials.appendingPathComponent("noc-webhook.secret"), atomically: true, encoding: .utf8)
        // The original is out of reach (as /etc/netmon is to a DynamicUser service): only the copy can be read.
        let unreachable = directory.appendingPathComponent("etc-netmon/noc-webhook.secret").path
        let environment = ["CREDENTIALS_DIRECTORY": credentials.path]
        #expect(try AlertingConfiguration.readSecret(unreachable, "noc", environment: environment) == "whsec_Y29weQ==")
        #expect(throws: DeliveryError.self) {
            try AlertingConfiguration.readSecret(unreachable, "noc", environment: [:])
        }
        // No copy of that name: the file itself, readable here.
        let readable = directory.appendingPathComponent("smtp.password")
        try "hunter2hunter2\n".write(to: readable, atomically: true, encoding: .utf8)
        #expect(
            try AlertingConfiguration.readSecret(readable.path, "mail", environment: environment) == "hunter2hunter2")
        // Neither: the error names the credential it looked for.
        do {
            _ = try AlertingConfiguration.readSecret(
                directory.appendingPathComponent("absent.secret").path, "noc", environment: environment)
            Issue.record("read a secret that exists nowhere")
        } catch {
            #expect(error.description.contains("absent.secret in $CREDENTIALS_DIRECTORY"), "\(error.description)")
        }
    }

    @Test("a route matcher refused by the matcher's safety bounds fails the load with its line and column")
    func refusedMatcherHasItsPosition() throws {
        let directory = makeTemporaryDirectory("netmon-alerting-config-matcher")
        defer { try? FileManager.default.removeItem(at: directory) }
        let secretFile = directory.appendingPathComponent("webhook.secret")
        try "whsec_bmV0bW9uLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODlhYg==\n".write(
            to: secretFile, atomically: true, encoding: .utf8)
        let sitesPath = directory.appendingPathComponent("sites.yaml").path
        let yaml = self.sitesYAML(webhookURL: "http://127.0.0.1:9/hook", secretFile: secretFile.path)
            .replacingOccurrences(of: "\"severity=~warning|critical\"", with: "'commune=~\"(a+)+\"'")
        // Line 44 of the text: `      - { matchers: ['commune=~"(a+)+"'], receiver: noc-webhook }`.
        #expect(yaml.components(separatedBy: "\n")[43].hasPrefix("      - { matchers: ['commune=~"))
        try yaml.write(toFile: sitesPath, atomically: true, encoding: .utf8)
        do {
            _ = try AlertingConfiguration.load(sitesPath: sitesPath)
            Issue.record("loaded a route with a refused matcher")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(
                error.description.contains(
                    "\(sitesPath):44:22: `commune=~\"(a+)+\"`: regular expression refused: a quantifier on a group"),
                "\(error)")
        }
    }
}
