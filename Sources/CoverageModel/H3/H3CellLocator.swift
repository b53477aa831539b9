/// Finds the cells of a stream of nearby points (a drive test, a track) faster than `H3.latLngToCell`, with
/// identical results.
///
/// It remembers the last cell found and the great circles of its edges; a point more than 1e-12 rad
/// (≈ 6 µm) inside every edge of that cell gets it back after a few dot products, any other point goes
/// through `H3.latLngToCell`. The edges are worked out only once two consecutive points fall in the same
/// cell, so points in no particular order cost about what `H3.latLngToCell` costs. H3 cells are bounded by great-circle arcs (straight lines of the faces'
/// gnomonic planes), so the test is exact up to that margin, which is far above the rounding of the
/// reference computation. A value type: keep one per stream (or per thread).
public struct H3CellLocator: Sendable {
    /// The resolution of the cells returned.
    public let resolution: Int
    /// The cell of the previous point.
    private var last: H3Index?
    /// The cell whose edges are described by `normals` and `center`.
    private var described: H3Index?
    /// Inward unit normals of the described cell's edge great circles, and its centre.
    private var normals: [Vec3] = []
    private var center = Vec3(x: 0, y: 0, z: 0)
    /// How many points were answered from the remembered cell (for tests and benchmarks).
    public private(set) var hits = 0

    /// A locator for cells of `resolution` (clamped to 0…15 like `H3.latLngToCell`).
    public init(resolution: Int) {
        self.resolution = min(max(resolution, 0), H3Constants.maxResolution)
    }

    /// The cell holding `p`, equal to `H3.latLngToCell(p, resolution:)`.
    public mutating func cell(for p: LatLng) -> H3Index {
        guard p.isFinite else { return H3.latLngToCell(p, resolution: self.resolution) }
        let v = Vec3(
            latRadians: p.lat * H3Constants.degreesToRadians, lngRadians: p.lng * H3Constants.degreesToRadians)
        if let described = self.described, self.isSafelyInside(v) {
            self.hits += 1
            self.last = described
            return described
        }
        let cell = H3.cell(of: v, resolution: self.resolution)
        if cell == self.last && cell != self.described { self.describe(cell) }
        self.last = cell
        return cell
    }

    private func isSafelyInside(_ v: Vec3) -> Bool {
        guard v.dot(self.center) > 0 else { return false }
        for n in self.normals where v.dot(n) <= 1e-12 {
            return false
        }
        return true
    }

    private mutating func describe(_ cell: H3Index) {
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
        // A cell the test cannot describe (fewer than three usable edges) is never answered from memory.
        guard normals.count >= 3 else {
            self.described = nil
            return
        }
        self.described = cell
        self.normals = normals
        self.center = center
    }
}
