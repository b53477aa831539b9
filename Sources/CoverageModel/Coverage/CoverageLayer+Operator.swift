import NetmonProtocol

extension CoverageResult {
    /// Streams one layer as one operator sees it (the caller finishes the writer). Communes carry that operator's
    /// figures (`coverage_3g`… are its covered area ratios); cells are the cells where the operator has rows or
    /// values, with its own states (cells it has no report in are left out); dead zones are the province's, the
    /// same for every operator (no operator covers them).
    public func write(
        _ layer: CoverageLayer, forOperator code: String, boundaries: [CommuneBoundary], to writer: GeoJSONWriter
    ) throws {
        let judged = self.settings.judgedTechnologies
        func key(_ t: Technology) -> String { t.rawValue.lowercased() }
        let name = self.settings.operatorName(code)
        switch layer {
        case .communes:
            let byCode = Dictionary(uniqueKeysWithValues: boundaries.map { ($0.code, $0) })
            for c in self.communes {
                guard let boundary = byCode[c.code] else { continue }
                let o = c.operators.first { $0.code == code }
                var properties: [(String, JSONValue)] = [
                    ("code", .string(c.code)), ("name", .string(c.name)), ("operator", .string(code)),
                    ("operator_name", .string(name)), ("cells", .int(c.cells)), ("area_km2", .rounded(c.areaKm2)),
                ]
                for t in judged { properties.append(("coverage_\(key(t))", .rounded(o?.coverage[t] ?? 0))) }
                properties += [
                    ("measured_ratio", .rounded(o?.measuredRatio ?? 0)),
                    ("not_covering_cells", .int(o?.notCoveringCells ?? 0)),
                    ("partial_not_spots", .int(o?.partialNotSpots ?? 0)),
                ]
                try writer.write(
                    geometry: .multiPolygon(RingRepair.repaired(boundary.geometry)), properties: properties)
            }
        case .deadZones:
            try self.write(.deadZones, boundaries: boundaries, to: writer)
        case .cells:
            for cell in self.cells {
                guard let figures = cell.operatorStates[code] else { continue }
                var properties: [(String, JSONValue)] = [
                    ("h3", .string(cell.cell.description)), ("commune", .string(cell.communeCode)),
                    ("operator", .string(code)), ("operator_name", .string(name)), ("rows", .int(figures.rows)),
                    ("measured", .bool(figures.isMeasured)), ("covers", .bool(figures.covers)),
                ]
                for t in judged {
                    properties.append(
                        ("state_\(key(t))", .string((figures.technologies[t] ?? .noSamples).rawValue)))
                }
                properties.append(
                    ("partial_not_spot", .bool(figures.isNotCovering && !cell.operatorsCovering.isEmpty)))
                try writer.write(
                    geometry: .polygon(GeoPolygon(exterior: H3.cellToBoundary(cell.cell))), properties: properties)
            }
        }
    }
}
