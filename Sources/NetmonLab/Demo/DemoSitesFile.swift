import Foundation
import SiteCatalog

/// The demo's copy of sites.yaml: the same network and communes, with a fast probe schedule (a round every 15 s),
/// short alert timings and the demo's local webhook receiver, so that link health shows and an alert fires within
/// a minute. Written next to the demo's other state, never over the user's file. The end-to-end test renders its
/// configuration the same way, adding an email receiver.
public enum DemoSitesFile {
    /// An SMTP receiver for critical alerts (plain SMTP on loopback: the test's and demo's own server).
    public struct EmailReceiver: Sendable, Hashable {
        public var smarthost: String
        public var to: String
        public var from: String
        public init(smarthost: String, to: String, from: String) {
            self.smarthost = smarthost
            self.to = to
            self.from = from
        }
    }

    /// The probe schedule of the demo.
    public static let probeLine = "  probe: { probes: 10, step: 15s, timeout: 1s, interval: 500ms, payload_bytes: 56 }"

    /// Rewrites `source` (the text of the sites.yaml at `sourcePath`, already loaded as `config`).
    /// Every alert goes to the webhook; critical ones also to `email` when given.
    public static func render(
        source: String, config: SitesConfig, webhookURL: String, webhookSecret: String, email: EmailReceiver? = nil
    ) throws -> String {
        var lines = source.components(separatedBy: "\n")
        var replacedProbe = false
        for index in lines.indices {
            let line = lines[index]
            if line.hasPrefix("  boundaries:"), let path = config.province.boundariesPath {
                lines[index] = "  boundaries: \(path)"
            } else if line.hasPrefix("  probe:") && line.contains("{") {
                lines[index] = self.probeLine
                replacedProbe = true
            }
        }
        guard replacedProbe else {
            throw LabError(
                .invalidArgument,
                "the demo needs sites.yaml's defaults.probe written on one line ({ probes: …, step: … })",
                context: "defaults.probe")
        }
        // Replace the top-level alerts: section (up to the next top-level key or the end).
        if let start = lines.firstIndex(where: { $0.hasPrefix("alerts:") }) {
            var end = start + 1
            while end < lines.count, lines[end].isEmpty || lines[end].hasPrefix(" ") || lines[end].hasPrefix("#") {
                end += 1
            }
            lines.removeSubrange(start..<end)
        }
        lines += [
            "alerts:",
            "  receivers:",
            "    - { name: demo-webhook, webhook: { url: \(webhookURL), secret: \(webhookSecret), format: standard } }",
        ]
        if let email {
            lines += [
                "    - name: demo-email",
                "      email: { to: [\(email.to)], from: \(email.from), smarthost: \(email.smarthost), require_tls: false }",
                "  route:",
                "    receiver: demo-webhook",
                "    group_by: [alertname, commune]",
                "    group_wait: 5s",
                "    group_interval: 30s",
                "    repeat_interval: 4h",
                "    routes:",
                "      - { matchers: [\"severity=critical\"], receiver: demo-email, continue: true }",
                "      - { receiver: demo-webhook }",
            ]
        } else {
            lines.append(
                "  route: { receiver: demo-webhook, group_by: [alertname, commune], group_wait: 5s, group_interval: 30s, repeat_interval: 4h }"
            )
        }
        // The demo runs on a compressed clock (15 s steps of 10 probes): loss is judged on 50-probe windows at 50 %
        // confidence, so a healed link clears after 46 loss-free probes (about 75 s) instead of sites.yaml's 400
        // at 95 % (10 minutes of demo rounds). An 8 % loss still never flaps: it cannot bring the interval below 1 %.
        lines += [
            "  rules:",
            "    { gateway_silent_minutes: 30, capture_drops_per_minute: 100, outbox_backlog: 1000, for: 15s,",
            "      loss: { window_probes: 50, clear_window_probes: 50, confidence: 0.5 } }",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    /// A fresh `whsec_` secret (24 random bytes, base64).
    public static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "whsec_" + Data(bytes).base64EncodedString()
    }

    /// A random bearer token (32 hex digits).
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
