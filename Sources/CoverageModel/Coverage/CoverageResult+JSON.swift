import NetmonProtocol

extension CoverageResult {
    /// The `--json` document: `{"resolution","province":{…},"communes":[…]}`, field order fixed, ratios
    /// 0…1 rounded to 6 decimals, areas in km² rounded to 6 decimals. The province and each commune carry an
    /// `operators` object keyed by operator code (`operatorsJSON`).
    public var reportJSON: JSONValue {
        func coverage(_ values: [Technology: Double]) -> JSONValue {
            .object(self.settings.judgedTechnologies.map { ($0.rawValue, .rounded(values[$0] ?? 0)) })
        }
        var targets: [(String, JSONValue)] = []
        for t in self.province.targets {
            var members: [(String, JSONValue)] = [("target", t.target)]
            switch t.value {
            case .ratio(let r): members.append(("value", .rounded(r)))
            case .count(let n): members.append(("value", .int(n)))
            case .communes(let codes): members.append(("communes_without", .array(codes.map(JSONValue.string))))
            }
            members.append(("met", .bool(t.isMet)))
            targets.append((t.name, .object(members)))
        }
        let province: JSONValue = .object(
            [
                ("area_km2", .rounded(self.province.areaKm2)),
                ("coverage", coverage(self.province.coverage)),
                ("dead_cells", .int(self.province.deadCells)),
                ("dead_zones", .int(self.province.deadZones)),
                ("targets", .object(targets)),
                ("operators", self.operatorsJSON(self.province.operators)),
            ] + self.provinceSpeedAndMeasurementMembers)
        let communes: [JSONValue] = self.communes.map { c in
            .object(
                [
                    ("code", .string(c.code)),
                    ("name", .string(c.name)),
                    ("cells", .int(c.cells)),
                    ("area_km2", .rounded(c.areaKm2)),
                    ("coverage", coverage(c.coverage)),
                    ("measured_ratio", .rounded(c.measuredRatio)),
                    ("dead_cells", .int(c.deadCells)),
                    ("dead_zones", .int(c.deadZones)),
                    ("operators", self.operatorsJSON(c.operators)),
                ] + self.communeSpeedAndStatusMembers(c))
        }
        return .object([
            ("resolution", .int(self.settings.resolution)),
            ("province", province),
            ("communes", .array(communes)),
        ])
    }
}
