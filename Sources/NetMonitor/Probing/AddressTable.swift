import NetworkAddress

/// A read-only map from address to target index for the lookup made once per reply: open addressing with a
/// multiplicative hash over the 128 bits, so a lookup is a multiply and a compare or two (a `Dictionary` runs
/// the seeded SipHash per lookup).
struct AddressTable: Sendable {
    private let keys: [IPAddress]
    /// Target index per slot; -1 marks an empty slot.
    private let values: [Int32]
    private let shift: UInt64

    /// Builds the table from `index` (address → target).
    init(_ index: [IPAddress: Int]) {
        // A power of two at least twice the entries keeps probe chains short.
        var bits: UInt64 = 1
        while (1 << bits) < max(2 * index.count, 2) { bits += 1 }
        let capacity = 1 << Int(bits)
        var keys = [IPAddress](repeating: IPAddress(high: 0, low: 0), count: capacity)
        var values = [Int32](repeating: -1, count: capacity)
        self.shift = 64 - bits
        for (address, target) in index {
            var slot = Self.slot(of: address, shift: 64 - bits)
            while values[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            keys[slot] = address
            values[slot] = Int32(target)
        }
        self.keys = keys
        self.values = values
    }

    /// The target with `address`, or nil.
    @inline(__always)
    subscript(address: IPAddress) -> Int? {
        var slot = Self.slot(of: address, shift: self.shift)
        let mask = self.values.count - 1
        while true {
            let value = self.values[slot]
            if value < 0 { return nil }
            if self.keys[slot] == address { return Int(value) }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private static func slot(of address: IPAddress, shift: UInt64) -> Int {
        let mixed = (address.low ^ (address.high &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> shift)
    }
}
