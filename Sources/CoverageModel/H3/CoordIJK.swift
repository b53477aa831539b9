/// Hexagon coordinates on one icosahedron face: i, j, k axes 120° apart, normalized so that the smallest
/// component is 0 and none is negative ("ijk+").
struct CoordIJK: Hashable, Sendable {
    var i: Int
    var j: Int
    var k: Int

    init(_ i: Int, _ j: Int, _ k: Int) {
        self.i = i
        self.j = j
        self.k = k
    }

    /// Unit vectors of the seven digits (0 = centre, 1 = k, 2 = j, 3 = jk, 4 = i, 5 = ik, 6 = ij).
    static let unitVectors: [CoordIJK] = [
        CoordIJK(0, 0, 0), CoordIJK(0, 0, 1), CoordIJK(0, 1, 0), CoordIJK(0, 1, 1),
        CoordIJK(1, 0, 0), CoordIJK(1, 0, 1), CoordIJK(1, 1, 0),
    ]

    static func + (a: CoordIJK, b: CoordIJK) -> CoordIJK { CoordIJK(a.i + b.i, a.j + b.j, a.k + b.k) }
    static func - (a: CoordIJK, b: CoordIJK) -> CoordIJK { CoordIJK(a.i - b.i, a.j - b.j, a.k - b.k) }
    static func * (a: CoordIJK, s: Int) -> CoordIJK { CoordIJK(a.i * s, a.j * s, a.k * s) }

    /// Removes negative components and the common minimum.
    @inline(__always)
    mutating func normalize() {
        if self.i < 0 {
            self.j -= self.i
            self.k -= self.i
            self.i = 0
        }
        if self.j < 0 {
            self.i -= self.j
            self.k -= self.j
            self.j = 0
        }
        if self.k < 0 {
            self.i -= self.k
            self.j -= self.k
            self.k = 0
        }
        var m = self.i
        if self.j < m { m = self.j }
        if self.k < m { m = self.k }
        if m > 0 {
            self.i -= m
            self.j -= m
            self.k -= m
        }
    }

    var normalized: CoordIJK {
        var c = self
        c.normalize()
        return c
    }

    // The grid maps below are linear maps of (i, j, k) written out, each followed by normalization.

    /// `n / 7` rounded to the nearest integer. The reference computes `lround(n * (1/7))`; a seventh of an
    /// integer is never within 1/14 of a half, so exact integer rounding gives the same result.
    @inline(__always)
    static func divideBy7Rounded(_ n: Int) -> Int {
        let m = n + 3
        return m >= 0 ? m / 7 : -((6 - m) / 7)
    }

    /// The parent in a counter-clockwise aperture-7 grid.
    @inline(__always)
    mutating func upAp7() {
        let i = self.i - self.k
        let j = self.j - self.k
        self = CoordIJK(CoordIJK.divideBy7Rounded(3 * i - j), CoordIJK.divideBy7Rounded(i + 2 * j), 0)
        self.normalize()
    }

    /// The parent in a clockwise aperture-7 grid.
    @inline(__always)
    mutating func upAp7r() {
        let i = self.i - self.k
        let j = self.j - self.k
        self = CoordIJK(CoordIJK.divideBy7Rounded(2 * i + j), CoordIJK.divideBy7Rounded(3 * j - i), 0)
        self.normalize()
    }

    /// The centre child in the next finer counter-clockwise aperture-7 grid.
    @inline(__always)
    mutating func downAp7() {
        self = CoordIJK(3 * self.i + self.j, 3 * self.j + self.k, self.i + 3 * self.k)
        self.normalize()
    }

    /// The centre child in the next finer clockwise aperture-7 grid.
    @inline(__always)
    mutating func downAp7r() {
        self = CoordIJK(3 * self.i + self.k, self.i + 3 * self.j, self.j + 3 * self.k)
        self.normalize()
    }

    /// The centre in the next finer counter-clockwise aperture-3 grid.
    mutating func downAp3() {
        self = CoordIJK(2 * self.i + self.j, 2 * self.j + self.k, self.i + 2 * self.k)
        self.normalize()
    }

    /// The centre in the next finer clockwise aperture-3 grid.
    mutating func downAp3r() {
        self = CoordIJK(2 * self.i + self.k, self.i + 2 * self.j, self.j + 2 * self.k)
        self.normalize()
    }

    /// Rotates 60° counter-clockwise.
    mutating func rotate60ccw() {
        self = CoordIJK(self.i + self.k, self.i + self.j, self.j + self.k)
        self.normalize()
    }

    /// Rotates 60° clockwise.
    mutating func rotate60cw() {
        self = CoordIJK(self.i + self.j, self.j + self.k, self.i + self.k)
        self.normalize()
    }

    /// Moves one step in the direction of `digit` (1…6); 0 and 7 leave it unchanged.
    mutating func move(_ digit: Int) {
        guard digit > 0 && digit < 7 else { return }
        self = self + CoordIJK.unitVectors[digit]
        self.normalize()
    }

    /// The digit of a normalized unit (or zero) vector, 7 if it is neither: normalized unit vectors have 0/1
    /// components and their digit is 4i + 2j + k.
    @inline(__always)
    var unitDigit: Int {
        guard self.i | self.j | self.k <= 1, self.i >= 0, self.j >= 0, self.k >= 0 else { return 7 }
        return 4 * self.i + 2 * self.j + self.k
    }

    /// The centre of the hexagon in face-plane Cartesian coordinates.
    var hex2d: Vec2 {
        let i = self.i - self.k
        let j = self.j - self.k
        return Vec2(x: Double(i) - 0.5 * Double(j), y: Double(j) * H3Constants.sqrt3Over2)
    }

    /// The hexagon holding a face-plane point (quantization after DGGRID).
    init(hex2d v: Vec2) {
        let a1 = abs(v.x)
        let a2 = abs(v.y)
        let x2 = a2 * H3Constants.reciprocalSin60
        let x1 = a1 + x2 / 2.0
        let m1 = Int(x1)
        let m2 = Int(x2)
        let r1 = x1 - Double(m1)
        let r2 = x2 - Double(m2)
        var i: Int
        var j: Int
        if r1 < 0.5 {
            if r1 < 1.0 / 3.0 {
                i = m1
                j = r2 < (1.0 + r1) / 2.0 ? m2 : m2 + 1
            } else {
                j = r2 < (1.0 - r1) ? m2 : m2 + 1
                i = ((1.0 - r1) <= r2 && r2 < (2.0 * r1)) ? m1 + 1 : m1
            }
        } else {
            if r1 < 2.0 / 3.0 {
                j = r2 < (1.0 - r1) ? m2 : m2 + 1
                i = ((2.0 * r1 - 1.0) < r2 && r2 < (1.0 - r1)) ? m1 : m1 + 1
            } else {
                i = m1 + 1
                j = r2 < (r1 / 2.0) ? m2 : m2 + 1
            }
        }
        // Fold across the axes when needed.
        if v.x < 0.0 {
            if j % 2 == 0 {
                let diff = i - j / 2
                i = i - 2 * diff
            } else {
                let diff = i - (j + 1) / 2
                i = i - (2 * diff + 1)
            }
        }
        if v.y < 0.0 {
            i = i - (2 * j + 1) / 2
            j = -j
        }
        self.init(i, j, 0)
        self.normalize()
    }
}

/// Rotations of an index digit (1…6) about the centre; 0 and 7 are fixed.
enum H3Digit {
    /// 1→5→4→6→2→3→1.
    static let ccw: [Int] = [0, 5, 3, 1, 6, 4, 2, 7]
    /// 1→3→2→6→4→5→1.
    static let cw: [Int] = [0, 3, 6, 2, 5, 1, 4, 7]
}
