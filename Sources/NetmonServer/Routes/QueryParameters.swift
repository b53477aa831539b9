import Foundation
import Hummingbird
import NetmonProtocol

/// Strict readers of query parameters: a bad value is a 400 saying which parameter and why. Every number read from
/// a query is finite and inside a stated range, so nothing downstream converts an out-of-range Double to Int.
extension Request {
    /// Earliest and latest times a query may name: measurements are never older than 2000 nor beyond 2100.
    static let queryDateRange = Date(timeIntervalSince1970: 946_684_800)...Date(timeIntervalSince1970: 4_102_444_800)

    /// The text of `name` (Hummingbird has percent-decoded it); a parameter given more than once is refused (which
    /// one was meant?).
    func queryText(_ name: String) throws -> String? {
        let values = uri.queryParameters[values: Substring(name)]
        guard let raw = values.first else { return nil }
        guard values.count == 1 else {
            throw HTTPError(
                .badRequest, message: "query parameter '\(name)' is given \(values.count) times; give it once")
        }
        let text = String(raw)
        guard text.utf8.count <= 256 else {
            throw HTTPError(.badRequest, message: "query parameter '\(name)' is longer than 256 bytes")
        }
        return text
    }

    /// An RFC 3339 time or Unix seconds, between 2000 and 2100.
    func queryDate(_ name: String) throws -> Date? {
        guard let text = try queryText(name) else { return nil }
        let date: Date
        if let d = RFC3339.parse(text) {
            date = d
        } else if let seconds = Double(text), seconds.isFinite {
            date = Date(timeIntervalSince1970: seconds)
        } else {
            throw HTTPError(
                .badRequest, message: "query parameter '\(name)': '\(text)' is not an RFC 3339 time or Unix seconds")
        }
        guard Self.queryDateRange.contains(date) else {
            throw HTTPError(
                .badRequest,
                message:
                    "query parameter '\(name)': '\(text)' is outside \(RFC3339.format(Self.queryDateRange.lowerBound))…\(RFC3339.format(Self.queryDateRange.upperBound))"
            )
        }
        return date
    }

    /// Seconds from `300`, `300s`, `5m`, `1h`, `1d`, within `range`.
    func queryDuration(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = try queryText(name) else { return nil }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        var seconds: Double?
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let v = Double(text.dropLast(suffix.count)) {
                seconds = v * factor
                break
            }
        }
        if seconds == nil { seconds = Double(text) }
        guard let seconds, seconds.isFinite, seconds > 0 else {
            throw HTTPError(
                .badRequest,
                message: "query parameter '\(name)': '\(text)' is not a positive duration like 300, 5m or 1h")
        }
        guard range.contains(seconds) else {
            throw HTTPError(
                .badRequest,
                message:
                    "query parameter '\(name)': '\(text)' is outside \(Self.seconds(range.lowerBound))…\(Self.seconds(range.upperBound)) seconds"
            )
        }
        return seconds
    }

    /// `true`/`1` or `false`/`0` (an empty value, as in `?all`, is true).
    func queryFlag(_ name: String) throws -> Bool? {
        guard let text = try queryText(name) else { return nil }
        switch text.lowercased() {
        case "1", "true", "": return true
        case "0", "false": return false
        default:
            throw HTTPError(.badRequest, message: "query parameter '\(name)' must be true or false, not '\(text)'")
        }
    }

    /// `bbox=W,S,E,N` in degrees.
    func queryBBox(_ name: String) throws -> [Double]? {
        guard let text = try queryText(name) else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard parts.count == 4, let w = parts[0], let s = parts[1], let e = parts[2], let n = parts[3],
            (-180...180).contains(w), (-180...180).contains(e), (-90...90).contains(s), (-90...90).contains(n), s <= n
        else {
            throw HTTPError(
                .badRequest, message: "query parameter '\(name)' must be W,S,E,N in degrees (WGS 84), got '\(text)'")
        }
        return [w, s, e, n]
    }

    private static func seconds(_ v: Double) -> String { String(format: "%.0f", v) }
}
