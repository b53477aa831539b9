/// The identity of an alert: a 64-bit FNV-1a hash of its labels sorted by name.
///
/// The algorithm is Alertmanager's (`model.LabelSet.Fingerprint`): for every label in name order, hash the name,
/// a 0xFF separator, the value and another 0xFF separator. The same labels therefore give the same fingerprint
/// in netmon and in an Alertmanager that netmon pushes into, which the tests check against the real server.
public struct Fingerprint: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The raw hash.
    public var value: UInt64

    /// Wraps a raw hash.
    public init(value: UInt64) { self.value = value }

    /// Computes the fingerprint of a label set.
    public init(labels: [String: String]) {
        let offsetBasis: UInt64 = 14_695_981_039_346_656_037
        let prime: UInt64 = 1_099_511_628_211
        var hash = offsetBasis
        func add(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* prime
            }
        }
        for name in labels.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            add(name.utf8)
            add(CollectionOfOne(0xFF))
            add(labels[name]!.utf8)
            add(CollectionOfOne(0xFF))
        }
        self.value = hash
    }

    /// Parses 16 hexadecimal digits; nil if the text is not one.
    public init?(hex: String) {
        guard hex.count == 16, let value = UInt64(hex, radix: 16) else { return nil }
        self.value = value
    }

    /// 16 lowercase hexadecimal digits, as Alertmanager prints fingerprints.
    public var hex: String {
        let digits = String(self.value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    public var description: String { self.hex }

    public static func < (lhs: Fingerprint, rhs: Fingerprint) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = Fingerprint(hex: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "fingerprint must be 16 hexadecimal digits, got \(text)")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.hex)
    }
}
