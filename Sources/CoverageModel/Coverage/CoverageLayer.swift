import NetmonProtocol

/// The GeoJSON layers `netmon coverage export` writes.
public enum CoverageLayer: String, Sendable, CaseIterable {
    /// Commune boundaries (repaired to valid rings) with their figures.
    case communes
    /// Dead zones: the outline of their cells, holes kept, with area and commune codes.
    case deadZones = "dead-zones"
    /// Every cell of the province with its H3 index and per-technology state.
    case cells
}

extension CoverageResult {
    /// Streams one layer to a GeoJSON writer (the caller finishes the writer).
    public func write(_ layer: CoverageLayer, boundaries: [CommuneBoundary], to writer: GeoJSONWriter) throws {
        let judged = self.settings.judgedTechnologies
        func key(_ t: Technology) -> String { t.rawValue.lowercased() }
        switch layer {
        case .communes:
            let byCode = Dictionary(uniqueKeysWithValues: boundaries.map { ($0.code, $0) })
            for c in self.communes {
                guard let boundary = byCode[c.code] else { continue }
                var properties: [(String, JSONValue)] = [
                    ("code", .string(c.code)), ("name", .string(c.name)), ("cells", .int(c.cells)),
                    ("area_km2", .rounded(c.areaKm2)),
                ]
                for t in judged { properties.append(("coverage_\(key(t))", .rounded(c.coverage[t] ?? 0))) }
                properties += [
                    ("measured_ratio", .rounded(c.measuredRatio)), ("dead_cells", .int(c.deadCells)),
                    ("dead_zones", .int(c.deadZones)), ("partial_not_spots", .int(c.partialNotSpots)),
                    ("operators", self.operatorsJSON(c.operators)),
                ]
                properties += self.communeSpeedAndStatusProperties(c)
                try writer.write(
                    geometry: .multiPolygon(RingRepair.repaired(boundary.geometry)), properties: properties)
            }
        case .deadZones:
            for zone in self.deadZones {
                let outline = CellOutline.multiPolygon(of: zone.cells)
                let geometry: GeoJSONGeometry =
                    outline.polygons.count == 1 ? .polygon(outline.polygons[0]) : .multiPolygon(outline)
                try writer.write(
                    geometry: geometry,
                    properties: [
                        ("id", .int(zone.id)), ("cells", .int(zone.cells.count)), ("area_km2", .rounded(zone.areaKm2)),
                        ("communes", .array(zone.communeCodes.map(JSONValue.string))),
                    ])
            }
        case .cells:
            for cell in self.cells {
                var properties: [(String, JSONValue)] = [
                    ("h3", .string(cell.cell.description)), ("commune", .string(cell.communeCode)),
                    ("rows", .int(cell.rows)), ("measured", .bool(cell.isMeasured)), ("dead", .bool(cell.isDead)),
                    ("dead_zone", cell.deadZone.map(JSONValue.int) ?? .null),
                ]
                for t in judged {
                    let f = cell.technologies[t]
                    properties.append(
                        ("state_\(key(t))", .string(f?.state.rawValue ?? TechnologyCellState.noSamples.rawValue)))
                    properties.append(("median_\(key(t))", f?.median.map { .rounded($0, 2) } ?? .null))
                    properties.append(("samples_\(key(t))", .int(f?.samples ?? 0)))
                }
                properties += [
                    ("operators_covering", .array(cell.operatorsCovering.map(JSONValue.string))),
                    ("operators_not_covering", .array(cell.operatorsNotCovering.map(JSONValue.string))),
                    ("partial_not_spot", .bool(cell.isPartialNotSpot)),
                ]
                properties += self.cellSpeedProperties(cell)
                try writer.write(
                    geometry: .polygon(GeoPolygon(exterior: H3.cellToBoundary(cell.cell))), properties: properties)
            }
        }
    }
}
