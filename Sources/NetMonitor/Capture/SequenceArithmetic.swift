/// Comparisons in 32-bit modular sequence space (RFC 1982), used for TCP sequence numbers and TSvals.
enum SequenceArithmetic {
    /// Whether `lhs` comes before `rhs`.
    @inline(__always)
    static func isBefore(_ lhs: UInt32, _ rhs: UInt32) -> Bool {
        Int32(bitPattern: lhs &- rhs) < 0
    }
}
