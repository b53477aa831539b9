/// Facts about H3's 122 resolution-0 base cells (tables in `H3Tables`).
enum H3BaseCells {
    /// Number of base cells.
    static let count = 122
    /// Marker for "no neighbour" (the deleted k direction of a pentagon).
    static let invalid = 127

    /// Whether base cell `b` is one of the 12 pentagons.
    static func isPentagon(_ b: Int) -> Bool {
        switch b {
        case 4, 14, 24, 38, 49, 58, 63, 72, 83, 97, 107, 117: return true
        default: return false
        }
    }

    /// Whether `b` is a pentagon whose neighbours are all oriented towards it (the two polar ones).
    static func isPolarPentagon(_ b: Int) -> Bool { b == 4 || b == 117 }

    /// The home face and ijk of a base cell.
    static func home(_ b: Int) -> FaceIJK {
        let t = H3Tables.baseCellData
        return FaceIJK(face: t[b * 7], coord: CoordIJK(t[b * 7 + 1], t[b * 7 + 2], t[b * 7 + 3]))
    }

    /// Whether `face` is one of the clockwise-offset faces of pentagon base cell `b`.
    static func isClockwiseOffset(_ b: Int, face: Int) -> Bool {
        let t = H3Tables.baseCellData
        return t[b * 7 + 5] == face || t[b * 7 + 6] == face
    }

    /// Base cell and ccw rotations at res-0 coordinates (each 0…2) on a face.
    static func lookup(_ f: FaceIJK) -> (baseCell: Int, ccwRot60: Int) {
        let idx = (((f.face * 3 + f.coord.i) * 3 + f.coord.j) * 3 + f.coord.k) * 2
        return (H3Tables.faceIjkBaseCells[idx], H3Tables.faceIjkBaseCells[idx + 1])
    }

    /// The base cell neighbouring `b` in direction `dir` (0…6) and the ccw rotations into its frame.
    static func neighbor(_ b: Int, _ dir: Int) -> (baseCell: Int, ccwRot60: Int) {
        (H3Tables.baseCellNeighbors[b * 7 + dir], H3Tables.baseCellNeighbor60CCWRots[b * 7 + dir])
    }
}
