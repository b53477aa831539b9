import NetmonProtocol

/// The download/upload rates of rate-carrying reports, per (cell, technology). Only reports that carry a rate
/// reach it, so reports without rates cost the ingest nothing here. Rates are kept as 32-bit floats (kbit/s:
/// whole values exact up to 16.7 Gbit/s), 12 bytes a report with its slot.
struct SpeedSamples: Sendable {
    /// (dense cell index, technology position) → slot.
    private var slotIndex: [Int64: Int32] = [:]
    private(set) var slotKeys: [SpeedKey] = []
    /// Per rate-carrying report: its slot, download and upload in kbit/s (NaN where the report gives none).
    private var slots: [Int32] = []
    private var download: [Float] = []
    private var upload: [Float] = []
    /// Drive tests stay in one cell for many rows: the last key and its slot.
    private var lastKey: Int64 = -1
    private var lastSlot: Int32 = 0

    struct SpeedKey: Hashable {
        var cell: Int32
        var technology: Technology
    }

    /// The rates of one slot, in kbit/s.
    struct Rates: Equatable {
        var download: [Double] = []
        var upload: [Double] = []
    }

    /// A technology's position in `Technology.allCases` (a switch: no hashing on the ingest path).
    @inline(__always)
    static func position(_ technology: Technology) -> Int {
        switch technology {
        case .twoG: 0
        case .threeG: 1
        case .fourG: 2
        case .fiveG: 3
        case .noService: 4
        }
    }

    /// A rate as kept: NaN for nil, negative or not finite.
    @inline(__always)
    static func kept(_ value: Double?) -> Float {
        guard let value, value.isFinite, value >= 0 else { return .nan }
        return Float(value)
    }

    /// Adds one report's rates (kbit/s, NaN for none) for (cell, technology); nothing when both are NaN.
    @inline(__always)
    mutating func add(cell: Int32, technology: Technology, downloadKbps dl: Float, uploadKbps ul: Float) {
        guard !dl.isNaN || !ul.isNaN else { return }
        let key = Int64(cell) << 3 | Int64(Self.position(technology))
        let slot: Int32
        if key == self.lastKey {
            slot = self.lastSlot
        } else if let known = self.slotIndex[key] {
            slot = known
        } else {
            slot = Int32(truncatingIfNeeded: self.slotKeys.count)
            self.slotKeys.append(SpeedKey(cell: cell, technology: technology))
            self.slotIndex[key] = slot
        }
        self.lastKey = key
        self.lastSlot = slot
        self.slots.append(slot)
        self.download.append(dl)
        self.upload.append(ul)
    }

    /// The rates per cell and technology.
    var grouped: [SpeedKey: Rates] {
        var downloads = [Int](repeating: 0, count: self.slotKeys.count)
        var uploads = downloads
        for i in self.slots.indices {
            if !self.download[i].isNaN { downloads[Int(self.slots[i])] += 1 }
            if !self.upload[i].isNaN { uploads[Int(self.slots[i])] += 1 }
        }
        var rates = (0..<self.slotKeys.count).map { s in
            var r = Rates()
            r.download.reserveCapacity(downloads[s])
            r.upload.reserveCapacity(uploads[s])
            return r
        }
        for i in self.slots.indices {
            let s = Int(self.slots[i])
            if !self.download[i].isNaN { rates[s].download.append(Double(self.download[i])) }
            if !self.upload[i].isNaN { rates[s].upload.append(Double(self.upload[i])) }
        }
        return Dictionary(uniqueKeysWithValues: zip(self.slotKeys, rates))
    }

    /// How many downloads and uploads a slot holds, and their medians (kbit/s).
    struct SlotMedians {
        var downloads = 0
        var downloadMedian: Double?
        var uploads = 0
        var uploadMedian: Double?
    }

    /// Per slot (parallel to `slotKeys`): the counts and medians of its downloads and uploads. The values of one
    /// direction are grouped by slot through one flat buffer (a counting sort: 4 bytes a value at the peak, no
    /// array per slot), then each slot's median is selected in a small scratch buffer.
    func medians() -> [SlotMedians] {
        let n = self.slotKeys.count
        var out = [SlotMedians](repeating: SlotMedians(), count: n)
        var scratch: [Double] = []
        for isDownload in [true, false] {
            let values = isDownload ? self.download : self.upload
            var starts = [Int](repeating: 0, count: n + 1)
            for i in self.slots.indices where !values[i].isNaN { starts[Int(self.slots[i]) + 1] += 1 }
            for s in 0..<n { starts[s + 1] += starts[s] }
            var flat = [Float](repeating: 0, count: starts[n])
            var next = starts
            for i in self.slots.indices where !values[i].isNaN {
                let s = Int(self.slots[i])
                flat[next[s]] = values[i]
                next[s] += 1
            }
            for s in 0..<n where starts[s + 1] > starts[s] {
                scratch.removeAll(keepingCapacity: true)
                for v in flat[starts[s]..<starts[s + 1]] { scratch.append(Double(v)) }
                let median = CoverageAnalysis.median(scratch)
                if isDownload {
                    out[s].downloads = scratch.count
                    out[s].downloadMedian = median
                } else {
                    out[s].uploads = scratch.count
                    out[s].uploadMedian = median
                }
            }
        }
        return out
    }

    /// Rate-carrying reports kept.
    var count: Int { self.slots.count }
}
