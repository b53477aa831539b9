/// Masks the repetitions of mapping keys so that Yams can compose the rest of a file.
///
/// A masked key is made of one private-use character (U+E000 + serial) repeated as many times as the key has
/// characters: columns of everything after it stay the same, and two masks never collide with each other.
enum DuplicateKeyMask {
    /// At most this many repeated keys are masked; beyond that the file is reported as unparsable.
    static let limit = 1000

    /// `yaml` with `length` characters at `line`:`column` (1-based, in Unicode scalars) replaced by the mask.
    static func mask(_ yaml: String, line: Int, column: Int, length: Int, serial: Int) -> String {
        var lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        guard line >= 1, line <= lines.count, column >= 1, column - 1 + length <= lines[line - 1].count,
            let scalar = Unicode.Scalar(0xE000 + UInt32(serial % 6400))
        else { return yaml }
        for offset in 0..<length {
            lines[line - 1][column - 1 + offset] = scalar
        }
        return lines.map { line in
            var text = ""
            text.unicodeScalars.append(contentsOf: line)
            return text
        }.joined(separator: "\n")
    }

    /// Whether `key` is a mask (so its entry, already reported as a duplicate, is skipped).
    static func isMask(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { (0xE000...0xF8FF).contains($0.value) }
    }
}
