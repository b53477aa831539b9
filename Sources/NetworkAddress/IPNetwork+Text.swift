/// Text forms: strict `address/length` parsing and the canonical `address/length`.
extension IPNetwork: CustomStringConvertible {
    /// Parses `address/length` strictly (see ``parse(_:)``); nil on any problem.
    public init?(_ text: some StringProtocol) {
        guard case .success(let network) = Self.parse(text) else { return nil }
        self = network
    }

    /// Parses `address/length`: a strict address (``IPAddress/parse(_:)``), a decimal length within the family's
    /// range without sign or leading zeros, and no host bits set (the error then suggests the network).
    public static func parse(_ text: some StringProtocol) -> Result<IPNetwork, AddressParseError> {
        let whole = String(text)
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, case .success(let address) = IPAddress.parse(parts[0]) else {
            return .failure(AddressParseError(.notANetwork, text: whole))
        }
        let width = address.bitWidth
        let digits = parts[1].utf8
        guard !digits.isEmpty, digits.count <= 3,
            digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            digits.count == 1 || digits.first != UInt8(ascii: "0"),
            let length = Int(parts[1]), length <= width
        else {
            return .failure(AddressParseError(.badPrefixLength, text: whole, maximumPrefixLength: width))
        }
        let network = IPNetwork(containing: address, prefixLength: length)
        guard network.address == address else {
            return .failure(AddressParseError(.hostBitsSet, text: whole, suggestion: network))
        }
        return .success(network)
    }

    /// `address/prefixLength`, the address in canonical text.
    public var description: String { "\(self.address)/\(self.prefixLength)" }
}
