/// An IPv4 or IPv6 network in CIDR notation (`10.33.1.0/24`), with no host bits set.
struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network address (all host bits zero).
    let address: IPAddress
    /// The prefix length: 0…32 for IPv4, 0…128 for IPv6.
    let prefixLength: Int

    /// Why a CIDR string was refused.
    enum ParseFailure: Error, Sendable, Hashable {
        /// Not `address/length`, or the address is not one.
        case malformed
        /// The length is not a number within the family's range.
        case badPrefixLength(maximum: Int)
        /// Bits beyond the prefix are set; `suggestion` is the network they belong to.
        case hostBitsSet(suggestion: IPNetwork)
    }

    /// Parses `text` strictly; nil on any problem (use `parse(_:)` to learn which).
    init?(_ text: String) {
        guard case .success(let network) = IPNetwork.parse(text) else { return nil }
        self = network
    }

    /// Creates the network of `address` with `prefixLength`, clearing host bits.
    init(containing address: IPAddress, prefixLength: Int) {
        let mask = IPNetwork.mask(prefixLength: prefixLength, width: address.bitWidth)
        self.address = address.sameFamily(bits: address.bits & mask)
        self.prefixLength = prefixLength
    }

    /// Parses `text`, saying what is wrong with it.
    static func parse(_ text: String) -> Result<IPNetwork, ParseFailure> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])) else { return .failure(.malformed) }
        let width = address.bitWidth
        guard parts[1].allSatisfy(\.isASCII), let length = Int(parts[1]), !parts[1].hasPrefix("+"),
            (0...width).contains(length)
        else {
            return .failure(.badPrefixLength(maximum: width))
        }
        let network = IPNetwork(containing: address, prefixLength: length)
        guard network.address == address else { return .failure(.hostBitsSet(suggestion: network)) }
        return .success(network)
    }

    /// Whether `other` lies inside this network (same family, prefix matches).
    func contains(_ other: IPAddress) -> Bool {
        guard other.bitWidth == self.address.bitWidth else { return false }
        return other.bits & self.mask == self.address.bits
    }

    /// Whether the two networks share at least one address.
    func overlaps(_ other: IPNetwork) -> Bool {
        guard other.address.bitWidth == self.address.bitWidth else { return false }
        let shorter = min(self.prefixLength, other.prefixLength)
        let mask = IPNetwork.mask(prefixLength: shorter, width: self.address.bitWidth)
        return self.address.bits & mask == other.address.bits & mask
    }

    /// Whether `other` lies wholly inside this network.
    func contains(_ other: IPNetwork) -> Bool {
        other.prefixLength >= self.prefixLength && self.contains(other.address)
    }

    /// The last address of the network (the IPv4 broadcast address).
    var lastAddress: IPAddress {
        let width = self.address.bitWidth
        let all = IPNetwork.mask(prefixLength: width, width: width)
        return self.address.sameFamily(bits: self.address.bits | (all & ~self.mask))
    }

    /// `address/prefixLength`.
    var description: String { "\(self.address)/\(self.prefixLength)" }

    private var mask: UInt128 { IPNetwork.mask(prefixLength: self.prefixLength, width: self.address.bitWidth) }

    /// The netmask as 128 bits, right-aligned to `width` bits.
    private static func mask(prefixLength: Int, width: Int) -> UInt128 {
        let all: UInt128 = width == 128 ? ~0 : (UInt128(1) << UInt128(width)) - 1
        guard prefixLength > 0 else { return 0 }
        return (all << UInt128(width - prefixLength)) & all
    }
}
