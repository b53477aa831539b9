import Foundation
import Hummingbird

/// Strict readers of query parameters: a bad value is a 400 saying which parameter and why.
extension Request {
    func queryDate(_ name: String) throws -> Date? {
        guard let raw = uri.queryParameters[Substring(name)] else { return nil }
        let text = String(raw).removingPercentEncoding ?? String(raw)
        if let d = RFC3339.parse(text) { return d }
        if let seconds = Double(text), seconds.isFinite { return Date(timeIntervalSince1970: seconds) }
        throw HTTPError(
            .badRequest, message: "query parameter '\(name)': '\(text)' is not an RFC 3339 time or Unix seconds")
    }

    /// Seconds from `300`, `300s`, `5m`, `1h`, `1d`.
    func queryDuration(_ name: String) throws -> Double? {
        guard let raw = uri.queryParameters[Substring(name)] else { return nil }
        let text = String(raw)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let v = Double(text.dropLast(suffix.count)), v.isFinite, v > 0 { return v * factor }
        }
        if let v = Double(text), v.isFinite, v > 0 { return v }
        throw HTTPError(
            .badRequest, message: "query parameter '\(name)': '\(text)' is not a positive duration like 300, 5m or 1h")
    }

    /// `bbox=W,S,E,N` in degrees.
    func queryBBox(_ name: String) throws -> [Double]? {
        guard let raw = uri.queryParameters[Substring(name)] else { return nil }
        let text = String(raw).removingPercentEncoding ?? String(raw)
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let w = parts[0], let s = parts[1], let e = parts[2], let n = parts[3],
            (-180...180).contains(w), (-180...180).contains(e), (-90...90).contains(s), (-90...90).contains(n), s <= n
        else {
            throw HTTPError(
                .badRequest, message: "query parameter '\(name)' must be W,S,E,N in degrees (WGS 84), got '\(text)'")
        }
        return [w, s, e, n]
    }
}
