import Foundation

/// A complete HTTP response.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// Header names lowercased.
    public var headers: [(String, String)] { self.headerPairs.map { ($0.name, $0.value) } }
    var headerPairs: [HeaderPair]
    public var body: [UInt8]

    struct HeaderPair: Sendable, Hashable {
        var name: String
        var value: String
    }

    /// The first value of a header (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return self.headerPairs.first { $0.name == lowered }?.value
    }

    /// `Retry-After` in seconds from now: delta-seconds or an HTTP-date; nil when absent or unreadable.
    public func retryAfter(now: Date = Date()) -> Double? {
        guard let value = self.header("retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(self.status) }
}
