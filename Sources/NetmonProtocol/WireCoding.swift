import Foundation

/// JSON coders for the wire types, so every side writes and reads dates the same way.
///
/// Dates are written as RFC 3339 UTC without fractional seconds (`2026-11-29T06:00:00Z`, round starts are whole
/// seconds); the decoder also accepts fractional seconds (`2026-11-29T06:00:00.250Z`).
public enum WireCoding {
    /// An encoder for `ProbeRound` / `ProbeRoundBatch`: RFC 3339 UTC dates, sorted keys.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// A decoder for `ProbeRound` / `ProbeRoundBatch`, accepting RFC 3339 dates with or without fractional seconds.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = parseRFC3339(text) { return date }
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an RFC 3339 date such as 2026-11-29T06:00:00Z, got \(text)")
        }
        return decoder
    }

    /// Parses an RFC 3339 timestamp with or without fractional seconds; nil when it is not one.
    public static func parseRFC3339(_ text: String) -> Date? { RFC3339.parse(text) }
}
