import CoverageModel

/// The per-operator part of `netmon coverage report`'s table: the province's line and each commune's lines, one per
/// operator with reports there.
enum CoverageOperatorTable {
    static func render(_ result: CoverageResult, provinceName: String) -> String {
        let techs = result.settings.judgedTechnologies
        let pad = CoverageTable.pad
        let percent = CoverageTable.percent
        var lines = [
            "by operator: covered area per technology; measured: area with min_samples rows of the operator; "
                + "not covering: measured cells it covers with nothing; partial: of those, cells another covers"
        ]
        var header = pad("code", 6) + pad("commune", 26) + pad("operator", 20)
        for t in techs { header += "  " + String(repeating: " ", count: 4) + t.rawValue }
        header += "  measured  not covering  partial"
        lines.append(header)
        func line(_ code: String, _ name: String, _ o: OperatorCoverage) -> String {
            var text = pad(code, 6) + pad(name, 26) + pad("\(o.code) \(o.name)", 20)
            for t in techs { text += "  " + percent(o.coverage[t]) }
            text += "    " + percent(o.measuredRatio)
            text += pad("", 14 - String(o.notCoveringCells).count) + String(o.notCoveringCells)
            text += pad("", 9 - String(o.partialNotSpots).count) + String(o.partialNotSpots)
            return text
        }
        for o in result.province.operators { lines.append(line("", provinceName, o)) }
        lines.append(String(repeating: "-", count: header.count))
        for c in result.communes {
            for o in c.operators { lines.append(line(c.code, c.name, o)) }
        }
        return lines.joined(separator: "\n")
    }
}
