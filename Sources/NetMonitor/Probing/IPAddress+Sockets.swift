import CNetShims
import NetworkAddress

#if canImport(Glibc)
    import Glibc
#endif

/// What probing needs of `IPAddress` (NetworkAddress): its family and socket addresses.
extension IPAddress {
    /// v4 for IPv4(-mapped) addresses, else v6.
    public var family: IPFamily { self.isIPv4 ? .v4 : .v6 }

    /// Fills a `sockaddr_storage` for this address and `port`, returning its length.
    public func socketAddress(port: UInt16 = 0) -> (sockaddr_storage, socklen_t) {
        var storage = sockaddr_storage()
        let bytes = self.bytes
        switch self.family {
        case .v4:
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_port = port.bigEndian
                withUnsafeMutableBytes(of: &address.pointee.sin_addr) { $0.copyBytes(from: bytes) }
            }
            return (storage, socklen_t(MemoryLayout<sockaddr_in>.size))
        case .v6:
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = port.bigEndian
                withUnsafeMutableBytes(of: &address.pointee.sin6_addr) { $0.copyBytes(from: bytes) }
            }
            return (storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
    }

    /// Reads the address out of a `sockaddr_storage` filled by the kernel; nil for other families.
    public init?(socketAddress storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let value = withUnsafeBytes(of: &storage) { raw in raw.load(as: sockaddr_in.self).sin_addr.s_addr }
            self.init(ipv4: UInt32(bigEndian: value))
        case AF_INET6:
            let (high, low) = withUnsafeBytes(of: &storage) { raw in
                withUnsafeBytes(of: raw.load(as: sockaddr_in6.self).sin6_addr) {
                    (
                        UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)),
                        UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                    )
                }
            }
            self.init(high: high, low: low)
        default:
            return nil
        }
    }
}
