/// A hexagon address on one icosahedron face: the face number and ijk+ coordinates in its plane.
struct FaceIJK: Sendable {
    var face: Int
    var coord: CoordIJK

    /// Where a substrate or cell coordinate lies relative to its face.
    enum Overage {
        case none
        /// On the face edge (substrate grids only).
        case faceEdge
        /// Moved onto a neighbouring face.
        case newFace
    }

    /// Face-quadrant names used by the neighbour tables.
    static let quadrantIJ = 1
    static let quadrantKI = 2
    static let quadrantJK = 3

    /// Neighbouring face entry: face, translation and ccw rotations, for `face` and `quadrant` (0…3).
    static func neighbor(of face: Int, quadrant: Int) -> (face: Int, translate: CoordIJK, ccwRot60: Int) {
        let b = (face * 4 + quadrant) * 5
        let t = H3Tables.faceNeighbors
        return (t[b], CoordIJK(t[b + 1], t[b + 2], t[b + 3]), t[b + 4])
    }

    /// Direction (1 ij, 2 ki, 3 jk; 0 same; −1 not adjacent) from face `a` to face `b`.
    static func adjacentDirection(_ a: Int, _ b: Int) -> Int { H3Tables.adjacentFaceDir[a * 20 + b] }

    /// Moves a Class II coordinate onto the face that really holds it, when it spills over an edge.
    mutating func adjustOverageClassII(resolution res: Int, pentagonLeading4: Bool, substrate: Bool) -> Overage {
        var overage = Overage.none
        var maxDim = H3Constants.maxDimByCIIres[res]
        if substrate { maxDim *= 3 }
        let sum = self.coord.i + self.coord.j + self.coord.k
        if substrate && sum == maxDim {
            overage = .faceEdge
        } else if sum > maxDim {
            overage = .newFace
            let quadrant: Int
            if self.coord.k > 0 {
                if self.coord.j > 0 {
                    quadrant = FaceIJK.quadrantJK
                } else {
                    quadrant = FaceIJK.quadrantKI
                    if pentagonLeading4 {
                        // Rotate about the pentagon centre to skip the missing sequence.
                        let origin = CoordIJK(maxDim, 0, 0)
                        var tmp = self.coord - origin
                        tmp.normalize()
                        tmp.rotate60cw()
                        self.coord = tmp + origin
                        self.coord.normalize()
                    }
                }
            } else {
                quadrant = FaceIJK.quadrantIJ
            }
            let orient = FaceIJK.neighbor(of: self.face, quadrant: quadrant)
            self.face = orient.face
            for _ in 0..<orient.ccwRot60 { self.coord.rotate60ccw() }
            var unitScale = H3Constants.unitScaleByCIIres[res]
            if substrate { unitScale *= 3 }
            self.coord = self.coord + orient.translate * unitScale
            self.coord.normalize()
            if substrate && self.coord.i + self.coord.j + self.coord.k == maxDim {
                overage = .faceEdge
            }
        }
        return overage
    }

    /// Repeats the overage adjustment for a pentagon vertex until it settles on a face.
    @discardableResult
    mutating func adjustPentagonVertexOverage(resolution res: Int) -> Overage {
        var overage: Overage
        repeat {
            overage = self.adjustOverageClassII(resolution: res, pentagonLeading4: false, substrate: true)
        } while overage == .newFace
        return overage
    }

    /// The cell centre on the sphere.
    func centerPoint(resolution res: Int) -> Vec3 {
        H3Projection.point(of: self.coord.hex2d, face: self.face, resolution: res, substrate: false)
    }

    /// The cell holding a sphere point at `res`.
    init(point p: Vec3, resolution res: Int) {
        let (face, v) = H3Projection.hex2d(of: p, resolution: res)
        self.init(face: face, coord: CoordIJK(hex2d: v))
    }

    init(face: Int, coord: CoordIJK) {
        self.face = face
        self.coord = coord
    }
}
