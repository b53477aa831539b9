/// Conversion between cell indexes and face-centred ijk addresses.
extension H3Index {
    /// The index of the cell at `fijk` at resolution `res`, or `nil` for coordinates off the grid.
    init?(faceIJK fijk: FaceIJK, resolution res: Int) {
        var h = H3Index.make(resolution: res, baseCell: 0, digit: 0)
        if res == 0 {
            let c = fijk.coord
            guard c.i <= H3Constants.maxFaceCoord, c.j <= H3Constants.maxFaceCoord,
                c.k <= H3Constants.maxFaceCoord
            else { return nil }
            self = h.setting(baseCell: H3BaseCells.lookup(fijk).baseCell)
            return
        }
        // Walk from the finest resolution up, recording each digit, to find the base cell's ijk.
        var bc = fijk
        var r = res - 1
        while r >= 0 {
            let last = bc.coord
            var lastCenter: CoordIJK
            if H3Constants.isClassIII(r + 1) {
                bc.coord.upAp7()
                lastCenter = bc.coord
                lastCenter.downAp7()
            } else {
                bc.coord.upAp7r()
                lastCenter = bc.coord
                lastCenter.downAp7r()
            }
            h = h.setting(digit: r + 1, to: (last - lastCenter).normalized.unitDigit)
            r -= 1
        }
        let c = bc.coord
        guard c.i <= H3Constants.maxFaceCoord, c.j <= H3Constants.maxFaceCoord, c.k <= H3Constants.maxFaceCoord
        else { return nil }
        let (baseCell, numRots) = H3BaseCells.lookup(bc)
        h = h.setting(baseCell: baseCell)
        if H3BaseCells.isPentagon(baseCell) {
            // Rotate out of the deleted k-axis sub-sequence.
            if h.leadingNonZeroDigit == 1 {
                h = H3BaseCells.isClockwiseOffset(baseCell, face: bc.face) ? h.rotated60cw() : h.rotated60ccw()
            }
            for _ in 0..<numRots { h = h.rotatedPentagon60ccw() }
        } else {
            for _ in 0..<numRots { h = h.rotated60ccw() }
        }
        self = h
    }

    /// The face-centred ijk address of a valid cell, on the face that holds its centre.
    var faceIJK: FaceIJK {
        var h = self
        let baseCell = self.baseCell
        let res = self.resolution
        let pentagonBase = H3BaseCells.isPentagon(baseCell)
        // All of sub-sequence 5 of a pentagon needs rotating (and some of 4, below).
        if pentagonBase && h.leadingNonZeroDigit == 5 { h = h.rotated60cw() }
        var fijk = H3BaseCells.home(baseCell)
        var possibleOverage = true
        if !pentagonBase && (res == 0 || fijk.coord == CoordIJK(0, 0, 0)) { possibleOverage = false }
        if res > 0 {
            for r in 1...res {
                if H3Constants.isClassIII(r) {
                    fijk.coord.downAp7()
                } else {
                    fijk.coord.downAp7r()
                }
                fijk.coord.move(h.digit(r))
            }
        }
        guard possibleOverage else { return fijk }

        let original = fijk.coord
        var adjRes = res
        if H3Constants.isClassIII(res) {
            fijk.coord.downAp7r()
            adjRes += 1
        }
        let pentagonLeading4 = pentagonBase && h.leadingNonZeroDigit == 4
        if fijk.adjustOverageClassII(resolution: adjRes, pentagonLeading4: pentagonLeading4, substrate: false)
            != .none
        {
            if pentagonBase {
                while fijk.adjustOverageClassII(resolution: adjRes, pentagonLeading4: false, substrate: false)
                    != .none
                {}
            }
            if adjRes != res { fijk.coord.upAp7r() }
        } else if adjRes != res {
            fijk.coord = original
        }
        return fijk
    }
}
