import ArgumentParser
import CoverageModel
import Foundation

extension Netmon.Coverage {
    /// `netmon coverage report`: per-commune coverage and province totals.
    struct CoverageReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Print coverage per commune and the province totals with the targets.",
            discussion: """
                Cells are H3 cells (coverage.resolution in sites.yaml). A cell is covered by a technology when \
                it holds at least min_samples values of the technology's metric and their median reaches the \
                floor; 5G NSA rows count for 4G through their LTE anchor. Dead: measured (min_samples rows) \
                and covered by nothing. Speed (coverage.speed) is judged apart from signal: a cell meets a \
                technology's threshold when the median download and the median upload of at least min_samples \
                rate-carrying reports of that technology reach it. A commune with less than \
                coverage.targets.min_measured_ratio of its area measured is "not measured enough", not "below \
                target". Rejected rows and dropped values are reported on standard error.
                """
        )

        @OptionGroup var input: CoverageInputOptions

        @Flag(name: .long, help: "Print one JSON document instead of the table.")
        var json = false

        func run() async throws {
            let loaded = try CoveragePipeline.load(configPath: self.input.config)
            let (accumulator, _) = try CoveragePipeline.accumulate(self.input, settings: loaded.settings)
            let result = CoverageAnalysis.analyze(accumulator, communes: loaded.boundaries)
            if self.json {
                var bytes: [UInt8] = []
                result.reportJSON.write(to: &bytes)
                bytes.append(10)
                FileHandle.standardOutput.write(Data(bytes))
            } else {
                print(CoverageTable.render(result, provinceName: loaded.config.province.name))
                if !result.province.operators.isEmpty {
                    print("")
                    print(CoverageOperatorTable.render(result, provinceName: loaded.config.province.name))
                }
            }
        }
    }
}

/// The human table of `netmon coverage report`.
enum CoverageTable {
    static func percent(_ r: Double?) -> String { r.map { String(format: "%5.1f%%", $0 * 100) } ?? "    -" }

    static func pad(_ s: String, _ width: Int) -> String {
        let n = s.count
        return n >= width ? String(s.prefix(width)) : s + String(repeating: " ", count: width - n)
    }

    static func render(_ result: CoverageResult, provinceName: String) -> String {
        let techs = result.settings.judgedTechnologies
        var lines: [String] = []
        var header = pad("code", 6) + pad("commune", 26) + String(format: "%6@ %9@", "cells", "km²")
        for t in techs { header += "  " + String(repeating: " ", count: 4) + t.rawValue }
        header += "  measured  dead  zones  partial"
        header += CoverageTable.speedHeader(result)
        lines.append(header)
        for c in result.communes {
            var line = pad(c.code, 6) + pad(c.name, 26) + String(format: "%6d %9.2f", c.cells, c.areaKm2)
            for t in techs { line += "  " + percent(c.coverage[t]) }
            line +=
                "    " + percent(c.measuredRatio)
                + String(format: " %5d %6d %8d", c.deadCells, c.deadZones, c.partialNotSpots)
            line += CoverageTable.speedColumns(result, c.speed) + "  " + c.status.rawValue
            lines.append(line)
        }
        let p = result.province
        var total = pad("", 6) + pad(provinceName, 26) + String(format: "%6d %9.2f", p.cells, p.areaKm2)
        for t in techs { total += "  " + percent(p.coverage[t]) }
        total +=
            "    " + percent(p.measuredRatio)
            + String(format: " %5d %6d %8d", p.deadCells, p.deadZones, p.partialNotSpots)
        total += CoverageTable.speedColumns(result, p.speed)
        lines.append(String(repeating: "-", count: header.count))
        lines.append(total)
        lines.append("")
        for t in p.targets {
            let value: String
            switch t.value {
            case .ratio(let r): value = percent(r).trimmingCharacters(in: .whitespaces)
            case .count(let n): value = "\(n)"
            case .communes(let codes):
                value =
                    codes.isEmpty
                    ? "all communes"
                    : "\(codes.count) communes without: \(codes.prefix(8).joined(separator: ", "))\(codes.count > 8 ? ", …" : "")"
            }
            lines.append("target \(t.name) = \(t.target.text): \(t.isMet ? "met" : "NOT met") (\(value))")
        }
        lines += CoverageTable.speedAndMeasurementLines(result)
        if result.reportsOutsideProvince > 0 {
            lines.append(
                "\(result.reportsOutsideProvince) reports fell outside the communes' cells and were not counted")
        }
        return lines.joined(separator: "\n")
    }
}
