/// How to reach an SMTP server, as Alertmanager's email receiver configures it.
public struct SMTPConfiguration: Sendable, Hashable, Codable {
    /// `host:port`; port 465 means implicit TLS.
    public var smarthost: String
    /// Refuse to send without TLS (STARTTLS or implicit). Default true.
    public var requireTLS: Bool
    /// AUTH user; nil for no authentication.
    public var username: String?
    /// AUTH password.
    public var password: String?
    /// Name announced in EHLO.
    public var hello: String
    /// A PEM file of trusted roots for the server's certificate (nil: the system's).
    public var caFile: String?
    /// Skip certificate verification (for tests only).
    public var insecureSkipVerify: Bool
    /// Whether to connect with TLS at once; nil: only on port 465.
    public var implicitTLS: Bool?

    public init(
        smarthost: String, requireTLS: Bool = true, username: String? = nil, password: String? = nil,
        hello: String = "localhost", caFile: String? = nil, insecureSkipVerify: Bool = false, implicitTLS: Bool? = nil
    ) {
        self.smarthost = smarthost
        self.requireTLS = requireTLS
        self.username = username
        self.password = password
        self.hello = hello
        self.caFile = caFile
        self.insecureSkipVerify = insecureSkipVerify
        self.implicitTLS = implicitTLS
    }

    /// Host and port of the smarthost.
    public func hostAndPort() throws(DeliveryError) -> (host: String, port: Int) {
        guard let colon = self.smarthost.lastIndex(of: ":"),
            let port = Int(self.smarthost[self.smarthost.index(after: colon)...]), (1...65_535).contains(port)
        else {
            throw DeliveryError(
                code: .invalidConfiguration, message: "smarthost must be host:port", context: self.smarthost)
        }
        var host = String(self.smarthost[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}
