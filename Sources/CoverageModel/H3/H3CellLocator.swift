import Foundation

/// Finds the cells of a stream of nearby points (a drive test, a track) faster than `H3.latLngToCell`, with
/// identical results.
///
/// It remembers the last cell found and the great circles of its edges; a point more than 1e-12 rad
/// (≈ 6 µm) inside every edge of that cell gets it back after a few dot products, any other point goes
/// through `H3.latLngToCell`. The edges are worked out only once two consecutive points fall in the same
/// cell, or two points of the same small square of latitude and longitude (a bucket) do. Cells described
/// before are remembered, listed under the buckets where points found them: a point in no particular order
/// (a shuffled file, several devices interleaved) is tested against its bucket's cells, with the same exact
/// test, before `H3.latLngToCell`. Scattered points (no cell met twice) cost about a fifth more than
/// `H3.latLngToCell` (the bucket bookkeeping). H3 cells are bounded by great-circle arcs (straight lines of the
/// faces' gnomonic planes), so the test is exact up to that margin, which is far above the rounding of the
/// reference computation. A value type: keep one per stream (or per thread).
public struct H3CellLocator: Sendable {
    /// The resolution of the cells returned.
    public let resolution: Int
    /// The cell of the previous point.
    private var last: H3Index?
    /// The described cell the previous point was tested against first (an index into `descriptions`; −1: none).
    private var current = -1
    /// How many points were answered from a remembered cell (for tests and benchmarks).
    public private(set) var hits = 0
    /// Descriptions of cells described before (drive tests come back to the same cells, with other devices and
    /// other runs): a cell's description depends only on the cell, so it is worked out once. At most
    /// `maxRemembered` are kept (≈ 0.4 KB each: a province's box at resolution 8 holds ≈ 17,000 cells); when full the memory (buckets included) starts again empty.
    private var descriptions: [Description] = []
    /// Per description, what `isPlanarInside` reads, in one run of doubles from `planarStart[d]`: the centre's
    /// latitude and longitude in degrees, the edge count, then each edge's value, dLat and dLng: its
    /// `dot(v(lat, lng), normal)` to first order around the centre is `value + dLat * Δlat + dLng * Δlng` (radians).
    private var planar: [Double] = []
    private var planarStart: [Int] = []
    private var descriptionIndex: [H3Index: Int] = [:]
    /// How many cell descriptions were worked out (not taken from memory), for tests.
    private(set) var descriptionsWorkedOut = 0
    static let maxRemembered = 32768
    /// The bucket grid: squares of `bucketDegrees` (about two cell edges) of latitude and longitude.
    private let bucketDegrees: Double
    private var buckets: BucketTable

    private struct Description {
        var cell: H3Index
        /// Inward unit normals of the cell's edge great circles, and its centre.
        var normals: [Vec3]
        var center: Vec3
    }

    /// A locator for cells of `resolution` (clamped to 0…15 like `H3.latLngToCell`).
    public init(resolution: Int) {
        self.resolution = min(max(resolution, 0), H3Constants.maxResolution)
        // Res-0 edges are ≈ 1,280 km; each resolution divides them by √7. Only speed depends on this.
        let edgeKm = 1281.256 / pow(7.0.squareRoot(), Double(self.resolution))
        self.bucketDegrees = 2 * edgeKm / 111.32
        self.buckets = BucketTable()
    }

    /// The cell holding `p`, equal to `H3.latLngToCell(p, resolution:)`.
    public mutating func cell(for p: LatLng) -> H3Index {
        guard p.isFinite else { return H3.latLngToCell(p, resolution: self.resolution) }
        if self.current >= 0 && self.isPlanarInside(p, self.current) {
            return self.hit(self.current)
        }
        let bucket = self.bucket(of: p)
        if let bucket {
            for k in 0..<self.buckets.count(at: bucket) {
                let d = self.buckets.description(k, at: bucket)
                if d != self.current && self.isPlanarInside(p, d) { return self.hit(d) }
            }
        }
        let v = Vec3(
            latRadians: p.lat * H3Constants.degreesToRadians, lngRadians: p.lng * H3Constants.degreesToRadians)
        if self.current >= 0 && Self.isSafelyInside(v, self.descriptions[self.current]) {
            return self.hit(self.current)
        }
        let cell = H3.cell(of: v, resolution: self.resolution)
        let describedCell = self.current >= 0 ? self.descriptions[self.current].cell : nil
        if cell == self.last && cell != describedCell {
            self.describe(cell, at: p)
        } else if let bucket, cell != describedCell {
            // A second point of this bucket in a cell not described yet: describe it now.
            if self.buckets.pending(at: bucket) == cell.rawValue {
                self.describe(cell, at: p)
            } else {
                self.buckets.setPending(cell.rawValue, at: bucket)
            }
        }
        self.last = cell
        return cell
    }

    @inline(__always)
    private mutating func hit(_ d: Int) -> H3Index {
        self.hits += 1
        self.current = d
        let cell = self.descriptions[d].cell
        self.last = cell
        return cell
    }

    /// The bucket table's position for `p`'s square (inserted if new), or nil for points off the usual ranges.
    @inline(__always)
    private mutating func bucket(of p: LatLng) -> Int? {
        guard abs(p.lat) <= 90 && abs(p.lng) <= 360 else { return nil }
        let i = (p.lat / self.bucketDegrees).rounded(.down)
        let j = (p.lng / self.bucketDegrees).rounded(.down)
        // |i|, |j| ≤ 360 / bucketDegrees < 2^31 at every resolution: the conversions cannot trap.
        let key = UInt64(UInt32(bitPattern: Int32(i))) << 32 | UInt64(UInt32(bitPattern: Int32(j)))
        return self.buckets.position(of: key)
    }

    private static func isSafelyInside(_ v: Vec3, _ d: Description) -> Bool {
        guard v.dot(d.center) > 0 else { return false }
        for n in d.normals where v.dot(n) <= 1e-12 {
            return false
        }
        return true
    }

    /// True only for points that `isSafelyInside` would accept too, without sine or cosine.
    ///
    /// For an edge normal n, f(lat, lng) = v(lat, lng)·n has second derivatives of at most 1 in absolute value
    /// (they are dot products of a unit vector with vectors of length at most 1), so by Taylor's theorem f at
    /// a point differs from its first-order expansion around the centre by at most Δlat² + Δlng² (radians).
    /// The expansion must therefore clear 1e-11 + Δlat² + Δlng²: f is then above 1e-11, far enough above the
    /// 1e-12 of `isSafelyInside` for the rounding of either computation (≈ 1e-16) not to matter. Points far
    /// from the centre (where the bound grows) are left to the exact test.
    @inline(__always)
    private func isPlanarInside(_ p: LatLng, _ d: Int) -> Bool {
        self.planar.withUnsafeBufferPointer { planar in
            let o = self.planarStart[d]
            let a = (p.lat - planar[o]) * H3Constants.degreesToRadians
            let b = (p.lng - planar[o + 1]) * H3Constants.degreesToRadians
            let q = a * a + b * b
            guard q < 1e-6 else { return false }
            let margin = 1e-11 + q
            let count = Int(planar[o + 2])
            var e = o + 3
            for _ in 0..<count {
                if planar[e] + planar[e + 1] * a + planar[e + 2] * b <= margin { return false }
                e += 3
            }
            return count > 0
        }
    }

    /// Makes `cell` (the cell of `p`) the current cell, described from memory or worked out, and lists it under
    /// `p`'s bucket.
    private mutating func describe(_ cell: H3Index, at p: LatLng) {
        if let known = self.descriptionIndex[cell] {
            self.current = known
            if let bucket = self.bucket(of: p) { self.buckets.add(known, at: bucket) }
            return
        }
        self.descriptionsWorkedOut += 1
        guard let (description, planar) = Self.description(of: cell) else {
            // A cell the test cannot describe (fewer than three usable edges) is never answered from memory.
            self.current = -1
            return
        }
        if self.descriptions.count >= Self.maxRemembered {
            self.descriptions.removeAll(keepingCapacity: true)
            self.planar.removeAll(keepingCapacity: true)
            self.planarStart.removeAll(keepingCapacity: true)
            self.descriptionIndex.removeAll(keepingCapacity: true)
            self.buckets.removeAll()
        }
        self.current = self.descriptions.count
        self.descriptions.append(description)
        self.planarStart.append(self.planar.count)
        self.planar += planar
        self.descriptionIndex[cell] = self.current
        if let bucket = self.bucket(of: p) { self.buckets.add(self.current, at: bucket) }
    }

    /// A cell's description and its run of `planar` doubles.
    private static func description(of cell: H3Index) -> (Description, [Double])? {
        let fijk = cell.faceIJK
        let res = cell.resolution
        let boundary = cell.isPentagon ? fijk.pentagonBoundary(resolution: res) : fijk.hexagonBoundary(resolution: res)
        let center = fijk.centerPoint(resolution: res)
        var normals: [Vec3] = []
        normals.reserveCapacity(boundary.count)
        for i in 0..<boundary.count {
            var n = boundary[i].cross(boundary[(i + 1) % boundary.count])
            let length = n.dot(n).squareRoot()
            guard length > 1e-300 else { continue }
            n.normalize()
            if n.dot(center) < 0 { n = Vec3(x: -n.x, y: -n.y, z: -n.z) }
            normals.append(n)
        }
        guard normals.count >= 3 else { return nil }
        // The centre in degrees, rounded, and the expansion of every edge around that rounded point.
        let lat = asin(min(max(center.z, -1), 1))
        let lng = atan2(center.y, center.x)
        let centerLat = lat / H3Constants.degreesToRadians
        let centerLng = lng / H3Constants.degreesToRadians
        let la = centerLat * H3Constants.degreesToRadians
        let lo = centerLng * H3Constants.degreesToRadians
        let at = Vec3(latRadians: la, lngRadians: lo)
        let byLat = Vec3(x: -sin(la) * cos(lo), y: -sin(la) * sin(lo), z: cos(la))
        let byLng = Vec3(x: -cos(la) * sin(lo), y: cos(la) * cos(lo), z: 0)
        var planar = [centerLat, centerLng, Double(normals.count)]
        for n in normals { planar += [at.dot(n), byLat.dot(n), byLng.dot(n)] }
        return (Description(cell: cell, normals: normals, center: center), planar)
    }
}

/// The locator's buckets, an open-addressing table (linear probing, multiplicative hashing of the packed square
/// indices): per bucket up to `slots` described cells (indices into the locator's descriptions) and the raw index
/// of one cell met there once and not described yet (0: none). A bucket is eight consecutive words (key, pending
/// cell, occupied flag and count, then the cells two to a word), so a look-up touches one place in memory.
/// Allocated on first use with `initialBits`; doubled when half full up to `maxBits` (a province's box at
/// resolution 8 holds ≈ 12,000 buckets), emptied when half full at that size.
private struct BucketTable {
    static let initialBits = 12
    static let maxBits = 16
    static let slots = 8
    private static let stride = 8
    private var bits = Self.initialBits
    private var words: [UInt64] = []
    private var used = 0

    private var capacity: Int { 1 << self.bits }

    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - self.bits))
    }

    /// The position of `key`, inserted (with no cells) if absent.
    @inline(__always)
    mutating func position(of key: UInt64) -> Int {
        if self.words.isEmpty {
            self.reset()
        } else if self.used >= self.capacity / 2 {
            if self.bits < Self.maxBits { self.grow() } else { self.reset() }
        }
        var i = self.home(key)
        while self.words[i * Self.stride + 2] != 0 {
            if self.words[i * Self.stride] == key { return i }
            i = (i + 1) & (self.capacity - 1)
        }
        self.words[i * Self.stride] = key
        self.words[i * Self.stride + 2] = 1 << 32
        self.used += 1
        return i
    }

    @inline(__always)
    func count(at i: Int) -> Int { Int(truncatingIfNeeded: self.words[i * Self.stride + 2] & 0xFF) }

    @inline(__always)
    func description(_ k: Int, at i: Int) -> Int {
        let word = self.words[i * Self.stride + 3 + k / 2]
        return Int(truncatingIfNeeded: k % 2 == 0 ? word & 0xFFFF_FFFF : word >> 32)
    }

    func pending(at i: Int) -> UInt64 { self.words[i * Self.stride + 1] }
    mutating func setPending(_ raw: UInt64, at i: Int) { self.words[i * Self.stride + 1] = raw }

    /// Lists description `d` under bucket `i` (once; a full bucket lists no more).
    mutating func add(_ d: Int, at i: Int) {
        let n = self.count(at: i)
        for k in 0..<n where self.description(k, at: i) == d { return }
        guard n < Self.slots else { return }
        let w = i * Self.stride + 3 + n / 2
        let bits = UInt64(UInt32(truncatingIfNeeded: d))
        self.words[w] =
            n % 2 == 0 ? (self.words[w] & 0xFFFF_FFFF_0000_0000) | bits : (self.words[w] & 0xFFFF_FFFF) | bits << 32
        self.words[i * Self.stride + 2] = 1 << 32 | UInt64(n + 1)
    }

    mutating func removeAll() {
        if !self.words.isEmpty { self.reset() }
    }

    private mutating func reset() {
        self.words = [UInt64](repeating: 0, count: self.capacity * Self.stride)
        self.used = 0
    }

    /// Doubles the table, keeping every bucket.
    private mutating func grow() {
        let old = self.words
        self.bits += 1
        self.words = [UInt64](repeating: 0, count: self.capacity * Self.stride)
        for b in 0..<(old.count / Self.stride) where old[b * Self.stride + 2] != 0 {
            var i = self.home(old[b * Self.stride])
            while self.words[i * Self.stride + 2] != 0 { i = (i + 1) & (self.capacity - 1) }
            for w in 0..<Self.stride { self.words[i * Self.stride + w] = old[b * Self.stride + w] }
        }
    }
}
