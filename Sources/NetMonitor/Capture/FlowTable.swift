/// The flow table's index: flow key → slot in the analyzer's flow array, an open-addressing hash table with
/// linear probing and backward-shift deletion (no tombstones), at most half full.
///
/// It replaces `Dictionary<FlowKey, Int>` on the per-packet path: one multiply-shift of the key's pre-mixed word
/// instead of SipHash, keys and slots in flat arrays. The hash is salted per table with a random seed, so that
/// crafted four-tuples cannot be aimed at one bucket chain from outside.
struct FlowTable {
    private var keys: [FlowKey]
    /// The slot of each bucket, -1 when the bucket is empty.
    private var slots: [Int32]
    private var shift: UInt64
    private let seed: UInt64
    /// Keys in the table.
    private(set) var count = 0

    init(minimumCapacity: Int = 1024) {
        var buckets = 16
        while buckets < minimumCapacity * 2 { buckets *= 2 }
        self.keys = Array(repeating: FlowKey.empty, count: buckets)
        self.slots = Array(repeating: -1, count: buckets)
        self.shift = UInt64(64 - buckets.trailingZeroBitCount)
        self.seed = UInt64.random(in: .min ... .max) | 1
    }

    var isEmpty: Bool { self.count == 0 }

    @inline(__always)
    private func bucket(of key: FlowKey) -> Int {
        Int(truncatingIfNeeded: ((key.mixedHash ^ self.seed) &* 0x9E37_79B9_7F4A_7C15) >> self.shift)
    }

    /// The slot of `key`, if present.
    @inline(__always)
    func slot(of key: FlowKey) -> Int? {
        let mask = self.slots.count - 1
        var b = self.bucket(of: key)
        return self.slots.withUnsafeBufferPointer { slots in
            self.keys.withUnsafeBufferPointer { keys in
                while true {
                    let slot = slots[b]
                    if slot < 0 { return nil }
                    if keys[b] == key { return Int(slot) }
                    b = (b + 1) & mask
                }
            }
        }
    }

    /// Adds `key` (which must be absent) with `slot`.
    mutating func insert(_ key: FlowKey, slot: Int) {
        if (self.count + 1) * 2 > self.slots.count { self.grow() }
        let mask = self.slots.count - 1
        var b = self.bucket(of: key)
        while self.slots[b] >= 0 { b = (b + 1) & mask }
        self.keys[b] = key
        self.slots[b] = Int32(slot)
        self.count += 1
    }

    /// Removes `key`; returns its slot, nil if it was absent.
    @discardableResult
    mutating func remove(_ key: FlowKey) -> Int? {
        let mask = self.slots.count - 1
        var b = self.bucket(of: key)
        while true {
            if self.slots[b] < 0 { return nil }
            if self.keys[b] == key { break }
            b = (b + 1) & mask
        }
        let removed = Int(self.slots[b])
        // Backward shift: move later members of the probe run into the hole when their home allows it.
        var hole = b
        var next = (b + 1) & mask
        while self.slots[next] >= 0 {
            let home = self.bucket(of: self.keys[next])
            // `next` may move to `hole` when its home is not in the cyclic range (hole, next].
            let distanceToNext = (next - home) & mask
            let distanceToHole = (next - hole) & mask
            if distanceToHole <= distanceToNext {
                self.keys[hole] = self.keys[next]
                self.slots[hole] = self.slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        self.slots[hole] = -1
        self.keys[hole] = FlowKey.empty
        self.count -= 1
        return removed
    }

    /// Every (key, slot) pair, in bucket order.
    var entries: [(key: FlowKey, slot: Int)] {
        var result: [(key: FlowKey, slot: Int)] = []
        result.reserveCapacity(self.count)
        for b in 0..<self.slots.count where self.slots[b] >= 0 { result.append((self.keys[b], Int(self.slots[b]))) }
        return result
    }

    private mutating func grow() {
        let old = self.entries
        let buckets = self.slots.count * 2
        self.keys = Array(repeating: FlowKey.empty, count: buckets)
        self.slots = Array(repeating: -1, count: buckets)
        self.shift = UInt64(64 - buckets.trailingZeroBitCount)
        self.count = 0
        for (key, slot) in old { self.insert(key, slot: slot) }
    }
}
