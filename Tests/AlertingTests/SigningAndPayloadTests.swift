import Foundation
import NetmonProtocol
import Testing

@testable import Alerting

@Suite("Standard Webhooks signing, payloads, fingerprints")
struct SigningAndPayloadTests {
    @Test("the Standard Webhooks spec's own test vector")
    func specVector() throws {
        let signer = try StandardWebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = signer.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test("the second vector computed with the reference library")
    func netmonVector() throws {
        let signer = try StandardWebhookSigner(secret: "whsec_bmV0bW9uLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODlhYg==")
        let body =
            #"{"type":"alert.firing","timestamp":"2026-01-01T00:00:00Z","data":{"alertname":"LinkDown","commune":"Saint-Pierre"}}"#
        let signature = signer.signature(id: "msg_netmon_0001", timestamp: 1_767_225_600, body: Array(body.utf8))
        #expect(signature == "v1,pPj9FlW/81IKCjhcqx01GqNpdT7V1rKRaCRgp3sMg0k=")
    }

    @Test("verification accepts a rotated signature list and rejects tampering and replay")
    func verification() throws {
        let signer = try StandardWebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let body = Array(#"{"test": 2432232314}"#.utf8)
        let now = Date(timeIntervalSince1970: 1_614_265_330)
        let header = "v1,bm90LWEtc2lnbmF0dXJl v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        #expect(
            signer.verify(
                id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body,
                signatureHeader: header, now: now))
        #expect(
            !signer.verify(
                id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body + [0x20],
                signatureHeader: header, now: now))
        #expect(
            !signer.verify(
                id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body,
                signatureHeader: header, now: now.addingTimeInterval(3600)))
    }

    @Test("a secret that is not base64 is a configuration error")
    func badSecret() {
        #expect(throws: DeliveryError.self) { try StandardWebhookSigner(secret: "whsec_%%%") }
    }

    @Test("fingerprints follow Alertmanager's FNV-1a over sorted labels")
    func fingerprint() {
        let labels = ["severity": "warning", "commune": "12345", "alertname": "LinkLoss"]
        // Computed independently (Python, the algorithm of Alertmanager's model.labelSetToFingerprint).
        #expect(Fingerprint(labels: labels).hex == "d0aecaf12f1698d3")
        #expect(Fingerprint(labels: [:]).hex == "cbf29ce484222325")
        #expect(Fingerprint(labels: labels) != Fingerprint(labels: labels.merging(["severity": "critical"]) { $1 }))
        #expect(Fingerprint(hex: "d0aecaf12f1698d3") == Fingerprint(labels: labels))
    }

    @Test("Alertmanager webhook payload version 4 has every field, zero endsAt while firing")
    func alertmanagerPayload() throws {
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        let firing = Alert(
            labels: ["alertname": "LinkLoss", "commune": "12345", "severity": "warning", "target": "hub"],
            annotations: ["summary": "Mất gói cao tại Xã Nam Tiền Hải"], startsAt: start, generatorURL: "http://x/a")
        let resolved = Alert(
            labels: ["alertname": "LinkLoss", "commune": "12345", "severity": "warning", "target": "portal"],
            annotations: ["summary": "Mất gói cao tại Xã Nam Tiền Hải"], startsAt: start,
            endsAt: start.addingTimeInterval(90.5))
        let notification = AlertNotification(
            id: "msg_1", receiver: "noc", groupKey: #"{}:{alertname="LinkLoss", commune="12345"}"#,
            groupLabels: ["alertname": "LinkLoss", "commune": "12345"], alerts: [firing, resolved],
            createdAt: start)
        let body = try AlertmanagerWebhookPayload(notification, externalURL: "http://netmon:8080").encoded()
        let object = try #require(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "receiver", "status", "alerts", "groupLabels", "commonLabels", "commonAnnotations", "externalURL",
                "version", "groupKey", "truncatedAlerts",
            ])
        #expect(object["version"] as? String == "4")
        #expect(object["status"] as? String == "firing")
        #expect(
            object["commonLabels"] as? [String: String] == [
                "alertname": "LinkLoss", "commune": "12345", "severity": "warning",
            ])
        #expect(object["commonAnnotations"] as? [String: String] == ["summary": "Mất gói cao tại Xã Nam Tiền Hải"])
        let alerts = try #require(object["alerts"] as? [[String: Any]])
        #expect(alerts.count == 2)
        #expect(alerts[0]["endsAt"] as? String == "0001-01-01T00:00:00Z")
        #expect(alerts[0]["startsAt"] as? String == "2026-01-01T00:00:00Z")
        #expect(alerts[1]["endsAt"] as? String == "2026-01-01T00:01:30.5Z")
        #expect(alerts[1]["status"] as? String == "resolved")
        #expect(alerts[0]["fingerprint"] as? String == firing.fingerprint.hex)
        #expect(
            Set(alerts[0].keys) == [
                "status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint",
            ])
        // Deterministic bytes: encoding twice gives the same body (needed for a stable signature per attempt).
        #expect(try AlertmanagerWebhookPayload(notification, externalURL: "http://netmon:8080").encoded() == body)
    }

    @Test("RFC 3339 formatting round-trips")
    func rfc3339() {
        let date = Date(timeIntervalSince1970: 1_767_225_600.125)
        #expect(RFC3339.format(date) == "2026-01-01T00:00:00.125Z")
        #expect(RFC3339.parse("2026-01-01T00:00:00.125Z") == date)
        #expect(RFC3339.parse("2026-01-01T07:00:00+07:00") == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(RFC3339.parse("yesterday") == nil)
    }
}
