import Foundation
import NetmonProtocol

/// The JSON of the alerts and silences API (`/api/v1/alerts`, `/api/v1/silences`), which `netmon alerts … --json`
/// prints too: pretty, keys sorted, times in RFC 3339.
public enum AlertJSON {
    /// `value` as that JSON.
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
