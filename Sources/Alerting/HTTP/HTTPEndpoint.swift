/// A parsed `http://` or `https://` URL: host, port, path with query.
public struct HTTPEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var isTLS: Bool
    public var host: String
    public var port: Int
    /// Path and query, starting with `/`.
    public var path: String

    /// Parses a URL; throws for other schemes or a missing host.
    public init(_ url: String) throws(DeliveryError) {
        let tls: Bool
        var rest: Substring
        if url.lowercased().hasPrefix("http://") {
            tls = false
            rest = url.dropFirst(7)
        } else if url.lowercased().hasPrefix("https://") {
            tls = true
            rest = url.dropFirst(8)
        } else {
            throw DeliveryError(
                code: .invalidConfiguration, message: "the URL must start with http:// or https://", context: url)
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        rest = authority
        var host = String(authority)
        var port = tls ? 443 : 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw DeliveryError(code: .invalidConfiguration, message: "unterminated IPv6 address", context: url)
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let parsed = Int(after.dropFirst()), (1...65_535).contains(parsed) else {
                    throw DeliveryError(code: .invalidConfiguration, message: "invalid port", context: url)
                }
                port = parsed
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let parsed = Int(authority[authority.index(after: colon)...]), (1...65_535).contains(parsed) else {
                throw DeliveryError(code: .invalidConfiguration, message: "invalid port", context: url)
            }
            port = parsed
        }
        guard !host.isEmpty else {
            throw DeliveryError(code: .invalidConfiguration, message: "the URL has no host", context: url)
        }
        self.isTLS = tls
        self.host = host
        self.port = port
        self.path = path
    }

    /// The `Host` header value.
    public var hostHeader: String {
        let bracketed = self.host.contains(":") ? "[\(self.host)]" : self.host
        return (self.port == (self.isTLS ? 443 : 80)) ? bracketed : "\(bracketed):\(self.port)"
    }

    /// This endpoint with another path.
    public func with(path: String) -> HTTPEndpoint {
        var copy = self
        copy.path = path
        return copy
    }

    public var description: String { "\(self.isTLS ? "https" : "http")://\(self.hostHeader)\(self.path)" }
}
