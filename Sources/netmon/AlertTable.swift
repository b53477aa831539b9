import Alerting
import Foundation
import NetmonProtocol
import SiteCatalog

/// `netmon alerts list` as a table: state, since, alertname, severity, commune, other labels.
enum AlertTable {
    static func render(_ records: [AlertRecord], now: Date) -> String {
        guard !records.isEmpty else { return "no alerts\n" }
        var rows: [[String]] = [["STATE", "SINCE", "ALERT", "SEVERITY", "COMMUNE", "LABELS"]]
        for record in records {
            var state = record.state.rawValue
            if record.isSilenced { state += " (silenced)" }
            var rest = record.labels
            for key in ["alertname", "severity", "commune", "commune_name"] { rest[key] = nil }
            let commune = [record.labels["commune"], record.labels["commune_name"]].compactMap { $0 }.joined(
                separator: " ")
            rows.append([
                state, RFC3339.format(record.since) + " (" + self.age(now.timeIntervalSince(record.since)) + ")",
                record.labels["alertname"] ?? "", record.labels["severity"] ?? "", commune,
                rest.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
            ])
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// How long ago, in one unit rounded down (`45s`, `12m`, `5h`, `3d`), written by `DurationText`.
    static func age(_ seconds: Double) -> String {
        let clamped = seconds.isFinite ? min(max(0, seconds), DurationText.maximumSeconds) : 0
        guard clamped >= 1 else { return "0s" }
        let unit: Double =
            switch clamped {
            case ..<120: 1
            case ..<7200: 60
            case ..<172_800: 3600
            default: 86_400
            }
        return DurationText.format(.seconds((clamped / unit).rounded(.down) * unit))
    }
}
