import Foundation

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
    /// The described cell's edges as planar tests in latitude/longitude around its centre (see `isPlanarInside`).
    private var edges: [PlanarEdge] = []
    /// The centre of the described cell in degrees.
    private var centerLat = 0.0
    private var centerLng = 0.0
    /// How many points were answered from the remembered cell (for tests and benchmarks).
    public private(set) var hits = 0
    /// Descriptions of cells described before (drive tests come back to the same cells, with other devices and
    /// other runs): a cell's description depends only on the cell, so it is worked out once. At most
    /// `maxRemembered` are kept (≈ 0.5 KB each); when full the memory starts again empty.
    private var remembered: [H3Index: Description] = [:]
    /// How many cell descriptions were worked out (not taken from `remembered`), for tests.
    private(set) var descriptionsWorkedOut = 0
    static let maxRemembered = 4096

    private struct Description {
        var normals: [Vec3]
        var center: Vec3
        var edges: [PlanarEdge]
        var centerLat: Double
        var centerLng: Double
    }

    /// A locator for cells of `resolution` (clamped to 0…15 like `H3.latLngToCell`).
    public init(resolution: Int) {
        self.resolution = min(max(resolution, 0), H3Constants.maxResolution)
    }

    /// The cell holding `p`, equal to `H3.latLngToCell(p, resolution:)`.
    public mutating func cell(for p: LatLng) -> H3Index {
        guard p.isFinite else { return H3.latLngToCell(p, resolution: self.resolution) }
        if let described = self.described, self.isPlanarInside(p) {
            self.hits += 1
            self.last = described
            return described
        }
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

    /// An edge's `dot(v(lat, lng), normal)` to first order around the cell's centre (radians):
    /// `value + dLat * dLat + dLng * dLng`.
    private struct PlanarEdge {
        var value: Double
        var dLat: Double
        var dLng: Double
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
    private func isPlanarInside(_ p: LatLng) -> Bool {
        let a = (p.lat - self.centerLat) * H3Constants.degreesToRadians
        let b = (p.lng - self.centerLng) * H3Constants.degreesToRadians
        let q = a * a + b * b
        guard q < 1e-6 else { return false }
        let margin = 1e-11 + q
        for e in self.edges where e.value + e.dLat * a + e.dLng * b <= margin {
            return false
        }
        return !self.edges.isEmpty
    }

    private mutating func describe(_ cell: H3Index) {
        if let known = self.remembered[cell] {
            self.described = cell
            self.normals = known.normals
            self.center = known.center
            self.edges = known.edges
            self.centerLat = known.centerLat
            self.centerLng = known.centerLng
            return
        }
        self.descriptionsWorkedOut += 1
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
        // The centre in degrees, rounded, and the expansion of every edge around that rounded point.
        let lat = asin(min(max(center.z, -1), 1))
        let lng = atan2(center.y, center.x)
        self.centerLat = lat / H3Constants.degreesToRadians
        self.centerLng = lng / H3Constants.degreesToRadians
        let la = self.centerLat * H3Constants.degreesToRadians
        let lo = self.centerLng * H3Constants.degreesToRadians
        let at = Vec3(latRadians: la, lngRadians: lo)
        let byLat = Vec3(x: -sin(la) * cos(lo), y: -sin(la) * sin(lo), z: cos(la))
        let byLng = Vec3(x: -cos(la) * sin(lo), y: cos(la) * cos(lo), z: 0)
        self.edges = normals.map { PlanarEdge(value: at.dot($0), dLat: byLat.dot($0), dLng: byLng.dot($0)) }
        if self.remembered.count >= Self.maxRemembered { self.remembered.removeAll(keepingCapacity: true) }
        self.remembered[cell] = Description(
            normals: self.normals, center: self.center, edges: self.edges, centerLat: self.centerLat,
            centerLng: self.centerLng)
    }
}
