/// Seeded random damage to a valid input, shared by the mutation tests of every parser (sites.yaml, reports,
/// boundaries, captures, ingest batches, multipart bodies). The generator is the caller's (NetmonLab's seeded
/// `SplitMix64`), so a seed replays a run.
public enum InputMutation {
    /// Values that break numbers and strings: huge, negative, not-a-number, overflowing, empty, long.
    public static let hostileValues = [
        "1e400", "-1e400", "NaN", ".nan", "nan", "inf", ".inf", "-.inf", "Infinity", "-1", "0", "-0",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "99999999999999999999999999", "4.9e-324", "1.7976931348623157e308", "0x7FFFFFFF", "''", "\"\"", "null", "~",
        "true", String(repeating: "x", count: 5000), String(repeating: "9", count: 400), "\u{0}", "💥", "%",
    ]

    /// 1 to `maxEdits` random byte edits of `input`: a byte replaced by one of `alphabet` or flipped, removed or
    /// inserted, a run removed, a run copied elsewhere (which repeats structure), or the input cut short.
    public static func bytes(
        _ input: [UInt8], alphabet: [UInt8], maxEdits: Int = 6, using random: inout some RandomNumberGenerator
    ) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...max(1, maxEdits), using: &random) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0, 1: bytes[position] = alphabet.randomElement(using: &random) ?? 0
            case 2: bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
            case 3: bytes.remove(at: position)
            case 4: bytes.insert(alphabet.randomElement(using: &random) ?? 0, at: position)
            case 5:
                let end = min(bytes.count, position + Int.random(in: 1...64, using: &random))
                bytes.removeSubrange(position..<end)
            case 6:
                let end = min(bytes.count, position + Int.random(in: 1...64, using: &random))
                let run = bytes[position..<end]
                bytes.insert(contentsOf: run, at: Int.random(in: 0...bytes.count, using: &random))
            default:
                if Int.random(in: 0..<4, using: &random) == 0 { bytes.removeSubrange(position...) }
            }
        }
        return bytes
    }

    /// 1 to `maxEdits` line edits of `text`: a line deleted or duplicated, its indentation changed, or the value
    /// after its first `separator` (": " for YAML, "," for CSV) replaced by one of `values`.
    public static func lines(
        _ text: String, separator: String, values: [String], maxEdits: Int = 3,
        using random: inout some RandomNumberGenerator
    ) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<Int.random(in: 1...max(1, maxEdits), using: &random) {
            guard !lines.isEmpty else { break }
            let index = Int.random(in: 0..<lines.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: lines.remove(at: index)
            case 1: lines.insert(lines[index], at: index)
            case 2: lines[index] = String(repeating: " ", count: Int.random(in: 1...3, using: &random)) + lines[index]
            case 3: lines[index] = String(lines[index].drop { $0 == " " })
            default:
                let value = values.randomElement(using: &random) ?? ""
                guard let range = lines[index].range(of: separator) else {
                    lines[index] += value
                    continue
                }
                let rest = lines[index][range.upperBound...]
                // Keep what follows the value (", " in a flow mapping, the next field in CSV) half of the time.
                let cut = Bool.random(using: &random) ? rest.firstIndex { $0 == "," || $0 == "}" } : nil
                lines[index] =
                    String(lines[index][..<range.upperBound]) + value + (cut.map { String(rest[$0...]) } ?? "")
            }
        }
        return lines.joined(separator: "\n")
    }
}
