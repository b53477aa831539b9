/// Why text is not an address or a network: a code, the text, and what would have been right.
public struct AddressParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Code: Sendable, Hashable {
        /// Not an IPv4 dotted quad (no leading zeros) nor RFC 4291 IPv6 text.
        case notAnAddress
        /// Not `address/length`, or the part before `/` is not an address.
        case notANetwork
        /// The length is not a decimal number within the family's range (no sign, no leading zeros).
        case badPrefixLength
        /// Bits beyond the prefix are set.
        case hostBitsSet
    }

    /// What is wrong.
    public var code: Code
    /// The refused text.
    public var text: String
    /// For ``Code/badPrefixLength``: the family's longest prefix (32 or 128).
    public var maximumPrefixLength: Int?
    /// For ``Code/hostBitsSet``: the network the address belongs to at that length.
    public var suggestion: IPNetwork?

    /// An error about `text`.
    public init(_ code: Code, text: String, maximumPrefixLength: Int? = nil, suggestion: IPNetwork? = nil) {
        self.code = code
        self.text = text
        self.maximumPrefixLength = maximumPrefixLength
        self.suggestion = suggestion
    }

    public var description: String {
        switch self.code {
        case .notAnAddress:
            "`\(self.text)` is not a valid IPv4 or IPv6 address"
        case .notANetwork:
            "`\(self.text)` is not a network in CIDR notation (address/prefix-length, e.g. 10.33.1.0/24)"
        case .badPrefixLength:
            "`\(self.text)` has a bad prefix length: it must be 0…\(self.maximumPrefixLength ?? 128)"
        case .hostBitsSet:
            if let suggestion {
                "`\(self.text)` has host bits set; did you mean `\(suggestion)`?"
            } else {
                "`\(self.text)` has host bits set"
            }
        }
    }
}
