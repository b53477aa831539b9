import Foundation

/// Uber's H3 v4 hexagonal grid, in pure Swift, identical to the reference library (checked against h3 4.5).
///
/// All coordinates are degrees. Resolutions are 0…15; out-of-range resolutions are clamped into that range
/// by `latLngToCell`, and give `nil`/empty results elsewhere.
public enum H3 {
    /// The cell of `resolution` holding `p` (H3's `latLngToCell`). Non-finite coordinates give the cell of
    /// (0, 0): check `LatLng.isFinite` first when input is untrusted.
    public static func latLngToCell(_ p: LatLng, resolution: Int) -> H3Index {
        let res = min(max(resolution, 0), H3Constants.maxResolution)
        let q = p.isFinite ? p : LatLng(lat: 0, lng: 0)
        let v = Vec3(
            latRadians: q.lat * H3Constants.degreesToRadians, lngRadians: q.lng * H3Constants.degreesToRadians)
        return self.cell(of: v, resolution: res)
    }

    /// The cell holding a unit vector.
    static func cell(of v: Vec3, resolution res: Int) -> H3Index {
        // Valid on every point of the sphere; the reference library asserts the same.
        H3Index(faceIJK: FaceIJK(point: v, resolution: res), resolution: res)!
    }

    /// The centre of a cell (H3's `cellToLatLng`); NaN coordinates for an invalid index.
    public static func cellToLatLng(_ c: H3Index) -> LatLng {
        guard c.isValid else { return LatLng(lat: .nan, lng: .nan) }
        return self.degrees(self.centerPoint(c))
    }

    /// The centre of a cell as a unit vector.
    static func centerPoint(_ c: H3Index) -> Vec3 {
        c.faceIJK.centerPoint(resolution: c.resolution)
    }

    /// The centre of a cell in radians.
    static func centerRadians(_ c: H3Index) -> (lat: Double, lng: Double) {
        self.centerPoint(c).latLngRadians
    }

    /// The boundary of a cell, counter-clockwise, not closed (H3's `cellToBoundary`); pentagons and cells
    /// crossing an icosahedron edge carry extra distortion vertices (up to 10 in all). Empty for an invalid index.
    public static func cellToBoundary(_ c: H3Index) -> [LatLng] {
        guard c.isValid else { return [] }
        return self.boundaryRadians(c).map {
            LatLng(lat: $0.lat * H3Constants.radiansToDegrees, lng: $0.lng * H3Constants.radiansToDegrees)
        }
    }

    /// The boundary in radians.
    static func boundaryRadians(_ c: H3Index) -> [(lat: Double, lng: Double)] {
        let fijk = c.faceIJK
        let res = c.resolution
        let points = c.isPentagon ? fijk.pentagonBoundary(resolution: res) : fijk.hexagonBoundary(resolution: res)
        return points.map(\.latLngRadians)
    }

    /// Every cell within `k` steps of `c`, `c` included (H3's `gridDisk`), sorted by index.
    /// `k` below 0 or an invalid index gives an empty list.
    public static func gridDisk(_ c: H3Index, k: Int) -> [H3Index] {
        guard k >= 0, c.isValid else { return [] }
        var seen: Set<H3Index> = [c]
        var frontier = [c]
        for _ in 0..<k {
            var next: [H3Index] = []
            for cell in frontier {
                for n in H3Neighbors.ring1(cell) where seen.insert(n).inserted {
                    next.append(n)
                }
            }
            frontier = next
        }
        return seen.sorted()
    }

    /// Whether `a` and `b` share an edge (H3's `areNeighborCells`): same resolution, distinct, adjacent.
    public static func areNeighborCells(_ a: H3Index, _ b: H3Index) -> Bool {
        guard a != b, a.resolution == b.resolution, a.isValid, b.isValid else { return false }
        return H3Neighbors.ring1(a).contains(b)
    }

    /// The cells sharing an edge with `c` (6 for a hexagon, 5 for a pentagon), sorted.
    public static func neighbors(_ c: H3Index) -> [H3Index] {
        guard c.isValid else { return [] }
        return H3Neighbors.ring1(c).sorted()
    }

    /// The ancestor of `c` at `resolution`, `nil` when `resolution` is finer than `c`'s or below 0, or `c` is
    /// not a valid cell.
    public static func cellToParent(_ c: H3Index, resolution: Int) -> H3Index? {
        let res = c.resolution
        guard resolution >= 0, resolution <= res, c.isValid else { return nil }
        var h = c.setting(resolution: resolution)
        if resolution < res {
            for r in (resolution + 1)...res { h = h.setting(digit: r, to: 7) }
        }
        return h
    }

    /// The descendants of `c` at `resolution` (empty when coarser than `c`'s or above 15), in index order.
    /// A pentagon has no children on its deleted k axis, so it has 1 + 5·(7ⁿ−1)/6 of them.
    public static func cellToChildren(_ c: H3Index, resolution: Int) -> [H3Index] {
        let res = c.resolution
        guard resolution >= res, resolution <= H3Constants.maxResolution, c.isValid else { return [] }
        var out: [H3Index] = [c]
        if resolution > res {
            for r in (res + 1)...resolution {
                var next: [H3Index] = []
                next.reserveCapacity(out.count * 7)
                for parent in out {
                    let base = parent.setting(resolution: r)
                    let pentagon = parent.isPentagon
                    for d in 0..<7 where !(pentagon && d == 1) {
                        next.append(base.setting(digit: r, to: d))
                    }
                }
                out = next
            }
        }
        return out
    }

    /// The exact area of a cell in km² (H3's `cellAreaKm2`: the spherical polygon of its boundary on a sphere
    /// of H3's earth radius). 0 for an invalid index.
    public static func cellAreaKm2(_ c: H3Index) -> Double {
        guard c.isValid else { return 0 }
        return H3Area.cellAreaRadians2(c) * H3Constants.earthRadiusKm * H3Constants.earthRadiusKm
    }

    /// Whether `c` is a valid cell index (H3's `isValidCell`).
    public static func isValidCell(_ c: H3Index) -> Bool { c.isValid }

    /// The cells whose centres lie inside the polygon (H3's `polygonToCells`, centre containment), sorted.
    /// Rings may be wound either way and self-intersect (even-odd rule); holes are excluded.
    public static func polygonToCells(_ p: GeoPolygon, resolution: Int) -> [H3Index] {
        H3PolygonFill.cells(in: [p], resolution: resolution)
    }

    /// The cells whose centres lie inside any member polygon, sorted, without duplicates.
    public static func polygonToCells(_ p: GeoMultiPolygon, resolution: Int) -> [H3Index] {
        H3PolygonFill.cells(in: p.polygons, resolution: resolution)
    }

    static func degrees(_ v: Vec3) -> LatLng {
        let (lat, lng) = v.latLngRadians
        return LatLng(lat: lat * H3Constants.radiansToDegrees, lng: lng * H3Constants.radiansToDegrees)
    }
}
