/// Uber's H3 v4 hexagonal grid, in pure Swift, identical to the reference library.
///
/// All coordinates are degrees. Resolutions are 0…15.
public enum H3 {
    /// The cell of `resolution` holding `p` (H3's `latLngToCell`).
    public static func latLngToCell(_ p: LatLng, resolution: Int) -> H3Index {
        fatalError("not yet: H3 hand-off stub, replaced before 08:00 UTC")
    }

    /// The centre of a cell (H3's `cellToLatLng`).
    public static func cellToLatLng(_ c: H3Index) -> LatLng {
        fatalError("not yet: H3 hand-off stub, replaced before 08:00 UTC")
    }

    /// The boundary of a cell, counter-clockwise, not closed (H3's `cellToBoundary`); pentagons and cells
    /// crossing an icosahedron edge carry extra distortion vertices.
    public static func cellToBoundary(_ c: H3Index) -> [LatLng] {
        fatalError("not yet: H3 hand-off stub, replaced before 08:00 UTC")
    }

    /// Every cell within `k` steps of `c`, `c` included (H3's `gridDisk`; order unspecified).
    public static func gridDisk(_ c: H3Index, k: Int) -> [H3Index] {
        fatalError("not yet: H3 hand-off stub, replaced before 08:00 UTC")
    }

    /// Whether `a` and `b` share an edge (H3's `areNeighborCells`).
    public static func areNeighborCells(_ a: H3Index, _ b: H3Index) -> Bool {
        fatalError("not yet: H3 hand-off stub, replaced before 08:00 UTC")
    }

    /// The ancestor of `c` at `resolution`, `nil` when `resolution` is finer than `c`'s or out of range.
    public static func cellToParent(_ c: H3Index, resolution: Int) -> H3Index? {
        fatalError("not yet: H3 hand-off stub, replaced before 08:00 UTC")
    }

    /// The descendants of `c` at `resolution` (empty when coarser than `c`'s), in index order.
    public static func cellToChildren(_ c: H3Index, resolution: Int) -> [H3Index] {
        fatalError("not yet: H3 hand-off stub, replaced before 08:00 UTC")
    }

    /// The exact area of a cell in km² (H3's `cellAreaKm2`).
    public static func cellAreaKm2(_ c: H3Index) -> Double {
        fatalError("not yet: H3 hand-off stub, replaced before 08:00 UTC")
    }

    /// Whether `c` is a valid cell index (H3's `isValidCell`).
    public static func isValidCell(_ c: H3Index) -> Bool { c.isValid }

    /// The cells whose centres lie inside the polygon (H3's `polygonToCells`, centre containment), sorted.
    public static func polygonToCells(_ p: GeoPolygon, resolution: Int) -> [H3Index] {
        fatalError("not yet: H3 hand-off stub, replaced before 08:00 UTC")
    }

    /// The cells whose centres lie inside any member polygon, sorted, without duplicates.
    public static func polygonToCells(_ p: GeoMultiPolygon, resolution: Int) -> [H3Index] {
        fatalError("not yet: H3 hand-off stub, replaced before 08:00 UTC")
    }
}
