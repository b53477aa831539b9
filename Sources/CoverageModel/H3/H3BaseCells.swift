/// Facts about H3's 122 resolution-0 base cells.
enum H3BaseCells {
    /// Number of base cells.
    static let count = 122

    /// Whether base cell `b` is one of the 12 pentagons.
    static func isPentagon(_ b: Int) -> Bool {
        switch b {
        case 4, 14, 24, 38, 49, 58, 63, 72, 83, 97, 107, 117: return true
        default: return false
        }
    }
}
