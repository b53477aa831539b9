/// Moving from a cell to its neighbours, across base cells and around pentagons.
enum H3Neighbors {
    /// The six neighbour directions (digits), in H3's ring order.
    static let directions = [2, 3, 1, 5, 4, 6]

    /// The neighbour of `origin` in direction `dir` (1…6) given `rotations` already accumulated; returns the
    /// neighbour and the new rotation count, or `nil` where the direction is deleted (a pentagon's k axis).
    static func neighbor(_ origin: H3Index, direction: Int, rotations: Int) -> (H3Index, Int)? {
        var dir = direction
        var rotations = rotations % 6
        for _ in 0..<rotations { dir = H3Digit.ccw[dir] }
        var current = origin
        var newRotations = 0
        let oldBaseCell = origin.baseCell
        let oldLeadingDigit = origin.leadingNonZeroDigit

        var r = origin.resolution - 1
        while true {
            if r == -1 {
                var (bc, rots) = H3BaseCells.neighbor(oldBaseCell, dir)
                if bc == H3BaseCells.invalid {
                    // The deleted k vertex at the base-cell level: this edge borders the ik neighbour.
                    (bc, rots) = H3BaseCells.neighbor(oldBaseCell, 5)
                    current = current.rotated60ccw()
                    rotations += 1
                }
                current = current.setting(baseCell: bc)
                newRotations = rots
                break
            }
            let oldDigit = current.digit(r + 1)
            guard oldDigit != 7 else { return nil }
            let nextDir: Int
            if H3Constants.isClassIII(r + 1) {
                current = current.setting(digit: r + 1, to: H3Tables.newDigitII[oldDigit * 7 + dir])
                nextDir = H3Tables.newAdjustmentII[oldDigit * 7 + dir]
            } else {
                current = current.setting(digit: r + 1, to: H3Tables.newDigitIII[oldDigit * 7 + dir])
                nextDir = H3Tables.newAdjustmentIII[oldDigit * 7 + dir]
            }
            if nextDir != 0 {
                dir = nextDir
                r -= 1
            } else {
                break
            }
        }

        let newBaseCell = current.baseCell
        if H3BaseCells.isPentagon(newBaseCell) {
            var alreadyAdjustedK = false
            if current.leadingNonZeroDigit == 1 {
                if oldBaseCell != newBaseCell {
                    // Entered the deleted k sub-sequence of a pentagon from another base cell.
                    if H3BaseCells.isClockwiseOffset(newBaseCell, face: H3BaseCells.home(oldBaseCell).face) {
                        current = current.rotated60cw()
                    } else {
                        current = current.rotated60ccw()
                    }
                    alreadyAdjustedK = true
                } else {
                    // Entered it from within the same pentagon base cell.
                    switch oldLeadingDigit {
                    case 0: return nil
                    case 3:
                        current = current.rotated60ccw()
                        rotations += 1
                    case 5:
                        current = current.rotated60cw()
                        rotations += 5
                    default: return nil
                    }
                }
            }
            for _ in 0..<newRotations { current = current.rotatedPentagon60ccw() }
            if oldBaseCell != newBaseCell {
                if H3BaseCells.isPolarPentagon(newBaseCell) {
                    if oldBaseCell != 118 && oldBaseCell != 8 && current.leadingNonZeroDigit != 3 {
                        rotations += 1
                    }
                } else if current.leadingNonZeroDigit == 5 && !alreadyAdjustedK {
                    rotations += 1
                }
            }
        } else {
            for _ in 0..<newRotations { current = current.rotated60ccw() }
        }
        return (current, (rotations + newRotations) % 6)
    }

    /// The distinct cells sharing an edge with `c` (6 for hexagons, 5 for pentagons).
    static func ring1(_ c: H3Index) -> [H3Index] {
        var out: [H3Index] = []
        out.reserveCapacity(6)
        for d in 1...6 {
            guard let (n, _) = self.neighbor(c, direction: d, rotations: 0), n != c, !out.contains(n) else {
                continue
            }
            out.append(n)
        }
        return out
    }
}
