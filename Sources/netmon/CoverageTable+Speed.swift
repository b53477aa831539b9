import CoverageModel
import Foundation
import NetmonProtocol

/// The speed columns, the commune status column and the speed and measurement lines of the human table.
extension CoverageTable {
    /// `  spd 4G  spd 5G  status`.
    static func speedHeader(_ result: CoverageResult) -> String {
        result.settings.speedTechnologies.map { "  spd " + $0.rawValue }.joined() + "  status"
    }

    /// The speed-covered share of the area per technology judged for speed.
    static func speedColumns(_ result: CoverageResult, _ speed: [Technology: SpeedAreaFigures]) -> String {
        result.settings.speedTechnologies.map { "  " + percent(speed[$0]?.coveredRatio ?? 0) }.joined()
    }

    static func mbps(_ value: Double) -> String { String(format: "%g", value) }

    /// One line per technology judged for speed, then the measurement line.
    static func speedAndMeasurementLines(_ result: CoverageResult) -> [String] {
        var lines: [String] = []
        let minSamples = result.settings.minSamples
        for t in result.settings.speedTechnologies {
            guard let threshold = result.settings.speed[t] else { continue }
            let f = result.province.speed[t] ?? .zero
            let upload = threshold.uploadMbps.map { " and upload ≥ \(mbps($0))" } ?? ""
            let covered = percent(f.coveredRatio).trimmingCharacters(in: .whitespaces)
            let judged = percent(f.judgedRatio).trimmingCharacters(in: .whitespaces)
            lines.append(
                "speed \(t.rawValue) (median download ≥ \(mbps(threshold.downloadMbps))\(upload) Mbit/s over ≥ "
                    + "\(minSamples) rate reports): \(covered) of the area meets it, \(judged) has enough rate reports "
                    + "to judge")
        }
        let minRatio = result.settings.targets.minMeasuredRatio
        let notMeasured = result.communes(.notMeasuredEnough)
        let measured = percent(result.province.measuredRatio).trimmingCharacters(in: .whitespaces)
        var line =
            "measured: \(measured) of the area; communes: \(result.communes(.meets).count) meet their targets, "
            + "\(result.communes(.belowTarget).count) below target, \(notMeasured.count) not measured enough "
            + "(< \(String(format: "%g", minRatio * 100))% of their area measured)"
        if !notMeasured.isEmpty {
            line +=
                ": \(notMeasured.prefix(8).joined(separator: ", "))\(notMeasured.count > 8 ? ", …" : "")"
        }
        lines.append(line)
        return lines
    }
}
