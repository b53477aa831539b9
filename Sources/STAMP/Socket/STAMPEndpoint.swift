import NetMonitor
import NetworkAddress

#if canImport(Glibc)
    import Glibc
#endif

/// An IP address and UDP port: where a reflector listens, where a sender sends.
public struct STAMPEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// STAMP's well-known port (RFC 8762 §4.1).
    public static let defaultPort: UInt16 = 862

    /// The address.
    public var address: IPAddress
    /// The UDP port.
    public var port: UInt16

    /// Creates an endpoint.
    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// Parses `ADDRESS`, `ADDRESS:PORT`, `[V6]` or `[V6]:PORT` (the port defaults to `defaultPort`); nil when the
    /// text is none of those.
    public init?(parsing text: String, defaultPort: UInt16 = STAMPEndpoint.defaultPort) {
        var host = Substring(text)
        var port = defaultPort
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = UInt16(rest.dropFirst()) else { return nil }
                port = value
            }
            host = host[host.index(after: host.startIndex)..<close]
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            guard let value = UInt16(host[host.index(after: colon)...]) else { return nil }
            port = value
            host = host[..<colon]
        }
        guard let address = IPAddress(String(host)) else { return nil }
        self.init(address: address, port: port)
    }

    /// Whether the address is 0.0.0.0 or ::.
    public var isWildcard: Bool {
        self.address.high == 0 && (self.address.low == 0 || self.address.low == 0xFFFF_0000_0000)
    }

    public var description: String {
        self.address.family == .v6 ? "[\(self.address)]:\(self.port)" : "\(self.address):\(self.port)"
    }

    /// The endpoint in a `sockaddr_storage` filled by the kernel; nil for other families.
    init?(socketAddress storage: sockaddr_storage) {
        guard let address = IPAddress(socketAddress: storage) else { return nil }
        let isIPv4 = Int32(storage.ss_family) == AF_INET
        var storage = storage
        let port: UInt16 = withUnsafeBytes(of: &storage) { raw in
            isIPv4
                ? UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
                : UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
        }
        self.init(address: address, port: port)
    }
}
