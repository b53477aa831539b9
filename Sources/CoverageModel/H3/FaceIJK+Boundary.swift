/// Cell outlines: vertices on the substrate grid, projected face by face, with extra vertices where an edge
/// crosses an icosahedron edge (Class III resolutions).
extension FaceIJK {
    private static let hexVertsClassII = [
        CoordIJK(2, 1, 0), CoordIJK(1, 2, 0), CoordIJK(0, 2, 1), CoordIJK(0, 1, 2), CoordIJK(1, 0, 2),
        CoordIJK(2, 0, 1),
    ]
    private static let hexVertsClassIII = [
        CoordIJK(5, 4, 0), CoordIJK(1, 5, 0), CoordIJK(0, 5, 4), CoordIJK(0, 1, 5), CoordIJK(4, 0, 5),
        CoordIJK(5, 0, 1),
    ]

    /// The cell's topological vertices on the substrate grid, and the substrate resolution.
    func substrateVertices(resolution res: Int, count: Int) -> (center: FaceIJK, verts: [FaceIJK], res: Int) {
        var center = self
        let table = H3Constants.isClassIII(res) ? FaceIJK.hexVertsClassIII : FaceIJK.hexVertsClassII
        center.coord.downAp3()
        center.coord.downAp3r()
        var adjRes = res
        if H3Constants.isClassIII(res) {
            center.coord.downAp7r()
            adjRes += 1
        }
        var verts: [FaceIJK] = []
        verts.reserveCapacity(count)
        for v in 0..<count {
            var c = center.coord + table[v]
            c.normalize()
            verts.append(FaceIJK(face: center.face, coord: c))
        }
        return (center, verts, adjRes)
    }

    /// The corners of the icosahedron face edge in direction `dir` (1 ij, 2 ki, 3 jk), in the face plane.
    private static func faceEdge(direction dir: Int, maxDim: Int) -> (Vec2, Vec2) {
        let m = Double(maxDim)
        let v0 = Vec2(x: 3.0 * m, y: 0.0)
        let v1 = Vec2(x: -1.5 * m, y: 3.0 * H3Constants.sqrt3Over2 * m)
        let v2 = Vec2(x: -1.5 * m, y: -3.0 * H3Constants.sqrt3Over2 * m)
        switch dir {
        case FaceIJK.quadrantIJ: return (v0, v1)
        case FaceIJK.quadrantJK: return (v1, v2)
        default: return (v2, v0)
        }
    }

    /// Boundary of a hexagon cell, as unit vectors, counter-clockwise.
    func hexagonBoundary(resolution res: Int) -> [Vec3] {
        let (center, verts, adjRes) = self.substrateVertices(resolution: res, count: 6)
        var out: [Vec3] = []
        out.reserveCapacity(10)
        var lastFace = -1
        var lastOverage = Overage.none
        for vert in 0...6 {
            let v = vert % 6
            var fijk = verts[v]
            let overage = fijk.adjustOverageClassII(resolution: adjRes, pentagonLeading4: false, substrate: true)
            // A Class III edge crossing an icosahedron edge gets an extra vertex at the crossing.
            if H3Constants.isClassIII(res) && vert > 0 && fijk.face != lastFace && lastOverage != .faceEdge {
                let lastV = (v + 5) % 6
                let orig0 = verts[lastV].coord.hex2d
                let orig1 = verts[v].coord.hex2d
                let face2 = lastFace == center.face ? fijk.face : lastFace
                let (e0, e1) = FaceIJK.faceEdge(
                    direction: FaceIJK.adjacentDirection(center.face, face2),
                    maxDim: H3Constants.maxDimByCIIres[adjRes])
                let inter = Vec2.intersection(orig0, orig1, e0, e1)
                if !(orig0.isAlmostEqual(to: inter) || orig1.isAlmostEqual(to: inter)) {
                    out.append(H3Projection.point(of: inter, face: center.face, resolution: adjRes, substrate: true))
                }
            }
            if vert < 6 {
                out.append(
                    H3Projection.point(of: fijk.coord.hex2d, face: fijk.face, resolution: adjRes, substrate: true))
            }
            lastFace = fijk.face
            lastOverage = overage
        }
        return out
    }

    /// Boundary of a pentagon cell, as unit vectors, counter-clockwise.
    func pentagonBoundary(resolution res: Int) -> [Vec3] {
        let (_, verts, adjRes) = self.substrateVertices(resolution: res, count: 5)
        var out: [Vec3] = []
        out.reserveCapacity(10)
        var lastFijk = FaceIJK(face: 0, coord: CoordIJK(0, 0, 0))
        for vert in 0...5 {
            let v = vert % 5
            var fijk = verts[v]
            fijk.adjustPentagonVertexOverage(resolution: adjRes)
            // Every Class III pentagon edge crosses an icosahedron edge.
            if H3Constants.isClassIII(res) && vert > 0 {
                let orig0 = lastFijk.coord.hex2d
                let toLast = FaceIJK.adjacentDirection(fijk.face, lastFijk.face)
                let orient = FaceIJK.neighbor(of: fijk.face, quadrant: toLast)
                var tmp = FaceIJK(face: orient.face, coord: fijk.coord)
                for _ in 0..<orient.ccwRot60 { tmp.coord.rotate60ccw() }
                tmp.coord = tmp.coord + orient.translate * (H3Constants.unitScaleByCIIres[adjRes] * 3)
                tmp.coord.normalize()
                let orig1 = tmp.coord.hex2d
                let (e0, e1) = FaceIJK.faceEdge(
                    direction: FaceIJK.adjacentDirection(tmp.face, fijk.face),
                    maxDim: H3Constants.maxDimByCIIres[adjRes])
                let inter = Vec2.intersection(orig0, orig1, e0, e1)
                out.append(H3Projection.point(of: inter, face: tmp.face, resolution: adjRes, substrate: true))
            }
            if vert < 5 {
                out.append(
                    H3Projection.point(of: fijk.coord.hex2d, face: fijk.face, resolution: adjRes, substrate: true))
            }
            lastFijk = fijk
        }
        return out
    }
}
