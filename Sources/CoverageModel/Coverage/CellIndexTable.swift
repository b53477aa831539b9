/// H3 cell → dense index (0, 1, 2, … in first-seen order): an open-addressing table with linear probing and
/// multiplicative hashing of the raw index, for the one look-up per report the accumulator makes when reports
/// hop between cells (a shuffled file, devices interleaved). A `Dictionary` hashes every key with SipHash.
struct CellIndexTable: Sendable {
    private var keys: [UInt64]
    /// Dense index + 1 per position; 0: empty.
    private var values: [Int32]
    private var shift: UInt64
    private(set) var count = 0

    init() {
        self.keys = [UInt64](repeating: 0, count: 1024)
        self.values = [Int32](repeating: 0, count: 1024)
        self.shift = 64 - 10
    }

    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> self.shift)
    }

    /// The dense index of `cell`, if it has one.
    func index(of cell: H3Index) -> Int? {
        let mask = self.keys.count - 1
        var i = self.home(cell.rawValue)
        while self.values[i] != 0 {
            if self.keys[i] == cell.rawValue { return Int(self.values[i] - 1) }
            i = (i + 1) & mask
        }
        return nil
    }

    /// The dense index of `cell`, giving it the next one (`count`) if it has none; `inserted` says which.
    @inline(__always)
    mutating func indexInserting(_ cell: H3Index) -> (index: Int, inserted: Bool) {
        let mask = self.keys.count - 1
        var i = self.home(cell.rawValue)
        while self.values[i] != 0 {
            if self.keys[i] == cell.rawValue { return (Int(self.values[i] - 1), false) }
            i = (i + 1) & mask
        }
        let index = self.count
        self.keys[i] = cell.rawValue
        self.values[i] = Int32(truncatingIfNeeded: index + 1)
        self.count += 1
        if self.count * 2 > self.keys.count { self.grow() }
        return (index, true)
    }

    private mutating func grow() {
        let oldKeys = self.keys
        let oldValues = self.values
        self.keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        self.values = [Int32](repeating: 0, count: oldKeys.count * 2)
        self.shift -= 1
        let mask = self.keys.count - 1
        for j in oldKeys.indices where oldValues[j] != 0 {
            var i = self.home(oldKeys[j])
            while self.values[i] != 0 { i = (i + 1) & mask }
            self.keys[i] = oldKeys[j]
            self.values[i] = oldValues[j]
        }
    }
}
