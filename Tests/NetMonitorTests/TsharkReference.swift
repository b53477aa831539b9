import Foundation

/// One row of a `*.tshark-*.tsv` reference file, by column name.
struct TsharkRow {
    var fields: [String: String]
    subscript(_ name: String) -> String { self.fields[name] ?? "" }
    func double(_ name: String) -> Double? { Double(self[name]) }
    func int(_ name: String) -> Int? { Int(self[name]) }
}

/// Reads a tshark TSV (header line of field names, tab-separated rows).
func readTsharkTSV(_ path: String) throws -> [TsharkRow] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    let header = lines.removeFirst().components(separatedBy: "\t")
    return lines.map { line in
        let values = line.components(separatedBy: "\t")
        var fields: [String: String] = [:]
        for (index, name) in header.enumerated() where index < values.count { fields[name] = values[index] }
        return TsharkRow(fields: fields)
    }
}

/// The median as the reports define it (mean of the two middle values for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}

/// The nearest-rank percentile (RFC 2330).
func nearestRank(_ percent: Double, _ values: [Double]) -> Double {
    let sorted = values.sorted()
    let rank = max(1, Int((percent * Double(sorted.count) / 100 - 1e-9).rounded(.up)))
    return sorted[min(rank, sorted.count) - 1]
}
