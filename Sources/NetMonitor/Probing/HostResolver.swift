import CNetShims
import Foundation
import NetworkAddress

/// Turns target names into addresses with `getaddrinfo`, on a thread of its own (it may block for seconds).
/// Numeric addresses are parsed without asking the resolver.
public enum HostResolver {
    /// Resolves one name; IPv4 is preferred when a name has both.
    public static func resolveBlocking(_ name: String) -> Result<IPAddress, ProbeError> {
        if let address = IPAddress(name) { return .success(address) }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &list)
        guard status == 0, let first = list else {
            let reason = status == 0 ? "no address" : String(cString: gai_strerror(status))
            return .failure(ProbeError(.resolveFailed, "cannot resolve: \(reason)", context: name))
        }
        defer { freeaddrinfo(list) }
        var found: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let raw = entry.pointee.ai_addr {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { target in
                    target.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: Int(entry.pointee.ai_addrlen)))
                }
                if let address = IPAddress(socketAddress: storage) { found.append(address) }
            }
            cursor = entry.pointee.ai_next
        }
        guard let best = found.first(where: { $0.family == .v4 }) ?? found.first else {
            return .failure(ProbeError(.resolveFailed, "cannot resolve: no IPv4 or IPv6 address", context: name))
        }
        return .success(best)
    }

    /// Resolves names in order on a dedicated thread; each result stands alone, so one bad name does not stop the rest.
    public static func resolve(_ names: [String]) async -> [Result<IPAddress, ProbeError>] {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: names.map(Self.resolveBlocking))
            }
            thread.name = "netmon-resolve"
            thread.start()
        }
    }
}
