import Foundation
import NetmonProtocol

/// Renders a notification as an email: subject like Alertmanager's, a plain-text and an HTML body.
public enum AlertEmail {
    /// `[FIRING:2] LinkLoss Xã Nam Tiền Hải portal` (group label values, commune name preferred to its code).
    public static func subject(_ notification: AlertNotification) -> String {
        let firing = notification.alerts.filter { $0.status == .firing }.count
        let status = notification.status == .firing ? "FIRING:\(firing)" : "RESOLVED"
        var labels = notification.groupLabels
        if labels["commune"] != nil, let name = notification.commonLabels["commune_name"] {
            labels["commune"] = name
        }
        let values = labels.sorted { $0.key < $1.key }.map(\.value)
        return "[\(status)] " + values.joined(separator: " ")
    }

    /// The plain-text body.
    public static func text(_ notification: AlertNotification) -> String {
        var text = self.subject(notification) + "\n\n"
        for alert in notification.alerts {
            text +=
                "\(alert.status == .firing ? "FIRING" : "RESOLVED"): \(alert.annotations["summary"] ?? alert.name)\n"
            for (name, value) in alert.labels.sorted(by: { $0.key < $1.key }) { text += "  \(name) = \(value)\n" }
            text += "  since \(RFC3339.format(alert.startsAt))"
            if let end = alert.endsAt { text += ", resolved \(RFC3339.format(end))" }
            text += "\n\n"
        }
        text += "AlertNotification \(notification.id)\n"
        return text
    }

    /// The HTML body (every value escaped).
    public static func html(_ notification: AlertNotification) -> String {
        let title = escape(self.subject(notification))
        var html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>\(title)</title></head><body>"
        html += "<h2>\(escape(self.subject(notification)))</h2>"
        for alert in notification.alerts {
            let colour = alert.status == .firing ? "#b00020" : "#1b7f3b"
            html += "<div style=\"border-left:4px solid \(colour);padding-left:8px;margin-bottom:12px\">"
            html += "<p><strong>\(alert.status == .firing ? "FIRING" : "RESOLVED")</strong> "
            html += escape(alert.annotations["summary"] ?? alert.name) + "</p><table>"
            for (name, value) in alert.labels.sorted(by: { $0.key < $1.key }) {
                html += "<tr><td>\(escape(name))</td><td>\(escape(value))</td></tr>"
            }
            html += "</table><p>since \(RFC3339.format(alert.startsAt))"
            if let end = alert.endsAt { html += ", resolved \(RFC3339.format(end))" }
            html += "</p></div>"
        }
        html += "<p style=\"color:#666\">AlertNotification \(escape(notification.id))</p></body></html>"
        return html
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The full message for a notification.
    public static func message(
        _ notification: AlertNotification, from: String, to: [String], bodyEncoding: EmailMessage.BodyEncoding,
        now: Date,
        domain: String
    ) -> EmailMessage {
        EmailMessage(
            from: from, to: to, subject: self.subject(notification), text: self.text(notification),
            html: self.html(notification), date: now, messageID: "\(notification.id)@\(domain)",
            bodyEncoding: bodyEncoding, extraHeaders: [("X-Netmon-AlertNotification-Id", notification.id)])
    }
}
