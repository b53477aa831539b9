/// Bit-level construction and rotation of cell indexes.
extension H3Index {
    /// Digit value 7: unused (finer than the resolution).
    static let unusedDigit = 7

    /// A cell index at `res` on `baseCell` with every used digit set to `digit`.
    static func make(resolution res: Int, baseCell: Int, digit: Int) -> H3Index {
        // Digits finer than the resolution are all 7 (every bit set).
        var raw: UInt64 = (1 << 59) | (UInt64(res) << 52) | (UInt64(baseCell) << 45)
        raw |= (UInt64(1) << UInt64(3 * (15 - res))) - 1
        var r = 1
        while r <= res {
            raw |= UInt64(digit) << UInt64((15 - r) * 3)
            r += 1
        }
        return H3Index(rawValue: raw)
    }

    /// The same index with digit `r` (1…15) set to `d`.
    @inline(__always)
    func setting(digit r: Int, to d: Int) -> H3Index {
        let shift = UInt64((15 - r) * 3)
        return H3Index(rawValue: (self.rawValue & ~(UInt64(7) << shift)) | (UInt64(d) << shift))
    }

    /// The same index with another base cell.
    func setting(baseCell b: Int) -> H3Index {
        H3Index(rawValue: (self.rawValue & ~(UInt64(0x7F) << 45)) | (UInt64(b) << 45))
    }

    /// The same bits with another resolution field (digits untouched).
    func setting(resolution res: Int) -> H3Index {
        H3Index(rawValue: (self.rawValue & ~(UInt64(0xF) << 52)) | (UInt64(res) << 52))
    }

    /// Every digit rotated 60° counter-clockwise.
    func rotated60ccw() -> H3Index {
        var h = self
        let res = self.resolution
        guard res > 0 else { return h }
        for r in 1...res { h = h.setting(digit: r, to: H3Digit.ccw[h.digit(r)]) }
        return h
    }

    /// Every digit rotated 60° clockwise.
    func rotated60cw() -> H3Index {
        var h = self
        let res = self.resolution
        guard res > 0 else { return h }
        for r in 1...res { h = h.setting(digit: r, to: H3Digit.cw[h.digit(r)]) }
        return h
    }

    /// Rotated 60° counter-clockwise about a pentagon centre, skipping the deleted k-axis sub-sequence.
    func rotatedPentagon60ccw() -> H3Index {
        var h = self
        let res = self.resolution
        guard res > 0 else { return h }
        var foundFirstNonZero = false
        for r in 1...res {
            h = h.setting(digit: r, to: H3Digit.ccw[h.digit(r)])
            if !foundFirstNonZero && h.digit(r) != 0 {
                foundFirstNonZero = true
                if h.leadingNonZeroDigit == 1 { h = h.rotated60ccw() }
            }
        }
        return h
    }

    /// Rotated 60° clockwise about a pentagon centre, skipping the deleted k-axis sub-sequence.
    func rotatedPentagon60cw() -> H3Index {
        var h = self
        let res = self.resolution
        guard res > 0 else { return h }
        var foundFirstNonZero = false
        for r in 1...res {
            h = h.setting(digit: r, to: H3Digit.cw[h.digit(r)])
            if !foundFirstNonZero && h.digit(r) != 0 {
                foundFirstNonZero = true
                if h.leadingNonZeroDigit == 1 { h = h.rotated60cw() }
            }
        }
        return h
    }
}
