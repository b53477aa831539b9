import NetmonProtocol

/// The download/upload rates of rate-carrying reports, per (cell, technology). Only reports that carry a rate
/// reach it, so reports without rates cost the ingest nothing here.
struct SpeedSamples: Sendable {
    /// (dense cell index, technology position in `Technology.allCases`) → slot.
    private var slotIndex: [Int64: Int32] = [:]
    private(set) var slotKeys: [SpeedKey] = []
    /// Per rate-carrying report: its slot, download and upload in kbit/s (NaN where the report gives none).
    private var slots: [Int32] = []
    private var download: [Double] = []
    private var upload: [Double] = []

    struct SpeedKey: Hashable {
        var cell: Int32
        var technology: Technology
    }

    /// The rates of one slot, in kbit/s.
    struct Rates: Equatable {
        var download: [Double] = []
        var upload: [Double] = []
    }

    /// Whether a value is a usable rate (finite, not negative).
    @inline(__always)
    static func isRate(_ value: Double?) -> Bool {
        guard let value else { return false }
        return value.isFinite && value >= 0
    }

    /// Adds one report's rates for (cell, technology); a rate that is nil, negative or not finite is left out.
    mutating func add(cell: Int32, technology: Technology, downloadKbps: Double?, uploadKbps: Double?) {
        let dl = Self.isRate(downloadKbps) ? downloadKbps ?? .nan : .nan
        let ul = Self.isRate(uploadKbps) ? uploadKbps ?? .nan : .nan
        guard !dl.isNaN || !ul.isNaN else { return }
        let position = Int64(Technology.allCases.firstIndex(of: technology) ?? 0)
        let key = Int64(cell) << 3 | position
        let slot: Int32
        if let known = self.slotIndex[key] {
            slot = known
        } else {
            slot = Int32(truncatingIfNeeded: self.slotKeys.count)
            self.slotKeys.append(SpeedKey(cell: cell, technology: technology))
            self.slotIndex[key] = slot
        }
        self.slots.append(slot)
        self.download.append(dl)
        self.upload.append(ul)
    }

    /// The rates per cell and technology.
    var grouped: [SpeedKey: Rates] {
        var rates = [Rates](repeating: Rates(), count: self.slotKeys.count)
        for i in self.slots.indices {
            let s = Int(self.slots[i])
            if !self.download[i].isNaN { rates[s].download.append(self.download[i]) }
            if !self.upload[i].isNaN { rates[s].upload.append(self.upload[i]) }
        }
        return Dictionary(uniqueKeysWithValues: zip(self.slotKeys, rates))
    }

    /// Rate-carrying reports kept.
    var count: Int { self.slots.count }
}
