import CoverageModel
import Foundation
import MeasurementStore
import NetmonProtocol

/// The per-operator parts of the coverage snapshots: each commune's `operators` object with the dashboard's flat
/// keys, and one cells layer per operator (`cells:operator:<code>`) for `/api/v1/geojson/cells?operator=`.
extension CoverageSnapshots {
    /// The snapshot kind of an operator's cells layer.
    static func operatorCells(_ code: String) -> String { "cells:operator:\(code)" }

    /// One cells layer per operator with reports in the province, stamped like the other snapshots.
    static func operatorLayers(
        _ result: CoverageResult, boundaries: [CommuneBoundary], createdAt: Date
    ) throws -> [CoverageSnapshot] {
        try result.province.operators.map { o in
            let sink = MemoryByteSink()
            let writer = GeoJSONWriter(sink: sink, name: "cells-\(o.code)")
            try result.write(.cells, forOperator: o.code, boundaries: boundaries, to: writer)
            try writer.finish()
            return CoverageSnapshot(kind: operatorCells(o.code), createdAt: createdAt, json: sink.text)
        }
    }

    /// A commune's `operators` object as the API and dashboard serve it: per operator its report JSON plus
    /// `3g_area_ratio`…, `has_4g`.
    static func operatorViews(_ c: CommuneCoverage, _ result: CoverageResult) -> CoverageModel.JSONValue {
        .object(
            c.operators.map { o in
                guard case .object(var members) = result.operatorJSON(o) else { return (o.code, .null) }
                for t in result.settings.judgedTechnologies {
                    members.append((t.rawValue.lowercased() + "_area_ratio", .rounded(o.coverage[t] ?? 0)))
                }
                members.append(("has_4g", .bool((o.coverage[.fourG] ?? 0) > 0)))
                return (o.code, .object(members))
            })
    }
}
