import Foundation
import NetmonProtocol

/// JSON coding used on the wire: RFC 3339 UTC times, with or without fractional seconds on input,
/// with milliseconds on output; no NaN or infinity.
enum WireJSON {
    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "'\(text)' is not an RFC 3339 UTC time such as 2026-01-01T00:00:00Z")
            }
            return date
        }
        return d
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(RFC3339.format(date))
        }
        return e
    }
}

/// Describes a decoding error as "where: what" for a 400 response.
func describe(_ error: DecodingError) -> String {
    func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty
            ? "body"
            : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
    switch error {
    case .typeMismatch(let type, let c):
        return "\(path(c.codingPath)): expected \(type)"
            + (c.debugDescription.isEmpty ? "" : " (\(c.debugDescription))")
    case .valueNotFound(let type, let c):
        return "\(path(c.codingPath)): missing \(type) value"
    case .keyNotFound(let key, let c):
        return "\(path(c.codingPath + [key])): required field is missing"
    case .dataCorrupted(let c):
        var message = c.debugDescription
        if let underlying = c.underlyingError { message += " (\(underlying))" }
        return "\(path(c.codingPath)): \(message)"
    @unknown default:
        return "\(error)"
    }
}
