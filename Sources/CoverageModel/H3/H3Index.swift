/// A 64-bit H3 cell index (mode 1), as Uber's H3 v4 library defines it.
///
/// Layout, high bit first: 1 reserved bit (0), 4 mode bits (1 = cell), 3 reserved bits (0), 4 resolution bits,
/// 7 base-cell bits, then 15 three-bit digits for resolutions 1…15 (digits finer than the resolution are 7).
/// The string form is the lower-case hexadecimal of the raw value, as in H3 (`8865b54cb5fffff`).
public struct H3Index: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The raw 64-bit index.
    public let rawValue: UInt64

    /// Wraps a raw value without checking it; see `isValid`.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// Parses the hexadecimal string form (either case, optional `0x`); `nil` unless it is a valid cell.
    public init?(string: String) {
        var s = Substring(string)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        guard !s.isEmpty, s.count <= 16, let value = UInt64(s, radix: 16) else { return nil }
        let index = H3Index(rawValue: value)
        guard index.isValid else { return nil }
        self = index
    }

    /// The resolution, 0 (coarsest) … 15 (finest).
    public var resolution: Int { Int((self.rawValue >> 52) & 0xF) }

    /// The base cell, 0…121.
    public var baseCell: Int { Int((self.rawValue >> 45) & 0x7F) }

    /// Whether the cell is one of the 12 pentagons of its resolution.
    public var isPentagon: Bool {
        H3BaseCells.isPentagon(self.baseCell) && self.leadingNonZeroDigit == 0
    }

    /// Whether this is a valid H3 cell index (H3's `isValidCell`).
    public var isValid: Bool {
        let raw = self.rawValue
        guard raw >> 63 == 0, (raw >> 59) & 0xF == 1, (raw >> 56) & 0x7 == 0 else { return false }
        let base = self.baseCell
        guard base < H3BaseCells.count else { return false }
        let res = self.resolution
        // Digits 1…res are 0…6; digits beyond are 7; a pentagon's first non-zero digit is not 1 (deleted axis).
        let pentagon = H3BaseCells.isPentagon(base)
        var foundFirstNonZero = !pentagon
        var r = 1
        while r <= 15 {
            let d = self.digit(r)
            if r <= res {
                if d == 7 { return false }
                if !foundFirstNonZero && d != 0 {
                    if d == 1 { return false }
                    foundFirstNonZero = true
                }
            } else if d != 7 {
                return false
            }
            r += 1
        }
        return true
    }

    /// The digit (0…7) at resolution `r` (1…15).
    @inline(__always)
    func digit(_ r: Int) -> Int {
        Int((self.rawValue >> UInt64((15 - r) * 3)) & 0x7)
    }

    /// The first non-zero digit up to the resolution, or 0 when all are 0.
    var leadingNonZeroDigit: Int {
        let res = self.resolution
        var r = 1
        while r <= res {
            let d = self.digit(r)
            if d != 0 { return d }
            r += 1
        }
        return 0
    }

    /// The hexadecimal string form, lower case, as H3 writes it.
    public var description: String { String(self.rawValue, radix: 16) }

    /// Orders by raw value.
    public static func < (lhs: H3Index, rhs: H3Index) -> Bool { lhs.rawValue < rhs.rawValue }
}
