import CoverageModel
import Foundation
import MeasurementStore
import NetmonProtocol

/// Turns the coverage model's result into the snapshots the API and GeoJSON routes serve, and the listener
/// update. The shapes follow `netmon coverage report --json` and `netmon coverage export` (same model, same
/// writer), plus flat keys the dashboard reads (`5g_area_ratio`, `has_4g`, `communes_with_4g`).
enum CoverageSnapshots {
    /// Snapshot kinds.
    static let summary = "summary"
    static let communes = "communes"
    static let deadZones = "dead-zones"
    static let cells = "cells"

    static func make(
        _ result: CoverageResult, boundaries: [CommuneBoundary], reports: Int, createdAt: Date
    ) throws -> [CoverageSnapshot] {
        [
            CoverageSnapshot(kind: summary, createdAt: createdAt, json: summaryJSON(result, reports: reports).text),
            CoverageSnapshot(kind: communes, createdAt: createdAt, json: communesJSON(result).text),
            CoverageSnapshot(kind: deadZones, createdAt: createdAt, json: try layer(.deadZones, result, boundaries)),
            CoverageSnapshot(kind: cells, createdAt: createdAt, json: try layer(.cells, result, boundaries)),
        ]
    }

    private static func ratioKey(_ t: Technology) -> String { t.rawValue.lowercased() + "_area_ratio" }

    /// The province block of the report JSON, with the dashboard's flat keys.
    static func summaryJSON(_ result: CoverageResult, reports: Int) -> CoverageModel.JSONValue {
        guard case .object(let root) = result.reportJSON,
            case .object(var province)? = root.first(where: { $0.0 == "province" })?.1
        else { return .null }
        let p = result.province
        for t in result.settings.judgedTechnologies { province.append((ratioKey(t), .rounded(p.coverage[t] ?? 0))) }
        province += [
            ("resolution", .int(result.settings.resolution)),
            ("cells", .int(p.cells)),
            ("measured_ratio", .rounded(p.measuredRatio)),
            ("partial_not_spots", .int(p.partialNotSpots)),
            ("communes", .int(result.communes.count)),
            ("communes_with_4g", .int(result.communes.filter { ($0.coverage[.fourG] ?? 0) > 0 }.count)),
            ("reports", .int(reports)),
            ("reports_outside_province", .int(result.reportsOutsideProvince)),
        ]
        return .object(province)
    }

    /// An object keyed by commune code: each commune's report JSON plus flat ratios and `has_4g`.
    static func communesJSON(_ result: CoverageResult) -> CoverageModel.JSONValue {
        guard case .object(let root) = result.reportJSON,
            case .array(let items)? = root.first(where: { $0.0 == "communes" })?.1
        else { return .object([]) }
        var out: [(String, CoverageModel.JSONValue)] = []
        for (c, item) in zip(result.communes, items) {
            guard case .object(var members) = item else { continue }
            for t in result.settings.judgedTechnologies { members.append((ratioKey(t), .rounded(c.coverage[t] ?? 0))) }
            members.append(("has_4g", .bool((c.coverage[.fourG] ?? 0) > 0)))
            members.append(("partial_not_spots", .int(c.partialNotSpots)))
            members = members.map { $0.0 == "operators" ? ($0.0, operatorViews(c, result)) : $0 }
            out.append((c.code, .object(members)))
        }
        return .object(out)
    }

    static func layer(
        _ layer: CoverageLayer, _ result: CoverageResult, _ boundaries: [CommuneBoundary]
    ) throws
        -> String
    {
        let sink = MemoryByteSink()
        let writer = GeoJSONWriter(sink: sink, name: layer.rawValue)
        try result.write(layer, boundaries: boundaries, to: writer)
        try writer.finish()
        return sink.text
    }

    /// The listener's view of a result.
    static func update(_ result: CoverageResult, reports: Int, computedAt: Date) -> CoverageUpdate {
        CoverageUpdate(
            computedAt: computedAt, reports: reports,
            communes: result.communes.map { c in
                CoverageUpdate.Commune(
                    code: c.code, name: c.name, threeGAreaRatio: c.coverage[.threeG] ?? 0,
                    fourGAreaRatio: c.coverage[.fourG] ?? 0, fiveGAreaRatio: c.coverage[.fiveG] ?? 0,
                    measuredRatio: c.measuredRatio, hasFourG: (c.coverage[.fourG] ?? 0) > 0, deadCells: c.deadCells,
                    deadZones: c.deadZones, isMeasuredEnough: c.status != .notMeasuredEnough)
            },
            deadCells: result.cells.filter(\.isDead).map { cell in
                CoverageUpdate.DeadCell(
                    cell: cell.cell.description, commune: cell.communeCode, zone: cell.deadZone ?? -1)
            },
            deadZones: result.deadZones.count, provinceFourGAreaRatio: result.province.coverage[.fourG] ?? 0,
            provinceFiveGAreaRatio: result.province.coverage[.fiveG] ?? 0,
            zones: result.deadZones.compactMap { zone in
                let cells = zone.cells.sorted()
                guard let anchor = cells.first else { return nil }
                return CoverageUpdate.DeadZone(
                    id: zone.id, anchor: anchor.description, cells: cells.map(\.description), areaKm2: zone.areaKm2,
                    communeCodes: zone.communeCodes)
            }, minMeasuredRatio: result.settings.targets.minMeasuredRatio)
    }
}
