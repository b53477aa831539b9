import Foundation
import NetmonProtocol

/// Human and JSON renderings of alerts for the CLI.
public enum AlertListing {
    /// A table: state, since, alertname, severity, commune, other labels.
    public static func table(_ records: [AlertRecord], now: Date) -> String {
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

    /// Pretty JSON with sorted keys and RFC 3339 dates.
    public static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func age(_ seconds: Double) -> String {
        let s = Int(min(max(0, seconds.isFinite ? seconds : 0), 1e12))
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86_400)d"
    }
}
