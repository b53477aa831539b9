import NetmonProtocol

extension CoverageResult {
    /// Per-operator figures as a JSON object keyed by operator code, codes in order:
    /// `{"452-04": {"name", "coverage": {"3G", "4G", "5G"}, "measured_ratio", "not_covering_cells",
    /// "partial_not_spots"}}`, ratios 0…1 rounded to 6 decimals.
    public func operatorsJSON(_ operators: [OperatorCoverage]) -> JSONValue {
        .object(operators.map { ($0.code, self.operatorJSON($0)) })
    }

    /// One operator's figures (the members of one `operatorsJSON` entry).
    public func operatorJSON(_ o: OperatorCoverage) -> JSONValue {
        .object([
            ("name", .string(o.name)),
            (
                "coverage",
                .object(self.settings.judgedTechnologies.map { ($0.rawValue, .rounded(o.coverage[$0] ?? 0)) })
            ),
            ("measured_ratio", .rounded(o.measuredRatio)),
            ("not_covering_cells", .int(o.notCoveringCells)),
            ("partial_not_spots", .int(o.partialNotSpots)),
        ])
    }
}
