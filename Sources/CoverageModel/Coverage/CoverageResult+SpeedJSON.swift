import NetmonProtocol

/// The speed and measurement keys of the report JSON and the GeoJSON layers, kept apart from the signal keys:
/// `speed` objects and `status`/`measurement` beside `coverage`.
extension CoverageResult {
    /// `{"4G": {"download_mbps","upload_mbps","covered_ratio","judged_ratio"}, …}` for the province, without the
    /// thresholds for a commune.
    func speedJSON(_ figures: [Technology: SpeedAreaFigures], withThresholds: Bool) -> JSONValue {
        .object(
            self.settings.speedTechnologies.map { t in
                var members: [(String, JSONValue)] = []
                if withThresholds, let threshold = self.settings.speed[t] {
                    members.append(("download_mbps", .number(threshold.downloadMbps)))
                    members.append(("upload_mbps", threshold.uploadMbps.map(JSONValue.number) ?? .null))
                }
                let f = figures[t] ?? .zero
                members.append(("covered_ratio", .rounded(f.coveredRatio)))
                members.append(("judged_ratio", .rounded(f.judgedRatio)))
                return (t.rawValue, .object(members))
            })
    }

    /// The province's `speed` and `measurement` members.
    var provinceSpeedAndMeasurementMembers: [(String, JSONValue)] {
        let notMeasured = self.communes(.notMeasuredEnough)
        return [
            ("speed", self.speedJSON(self.province.speed, withThresholds: true)),
            (
                "measurement",
                .object([
                    ("measured_ratio", .rounded(self.province.measuredRatio)),
                    ("unmeasured_ratio", .rounded(1 - self.province.measuredRatio)),
                    ("min_measured_ratio", .number(self.settings.targets.minMeasuredRatio)),
                    ("communes_meeting", .int(self.communes(.meets).count)),
                    ("communes_below_target", .int(self.communes(.belowTarget).count)),
                    ("communes_not_measured_enough", .int(notMeasured.count)),
                    ("not_measured_enough", .array(notMeasured.map(JSONValue.string))),
                ])
            ),
        ]
    }

    /// A commune's `status`, `unmeasured_ratio` and `speed` members.
    func communeSpeedAndStatusMembers(_ c: CommuneCoverage) -> [(String, JSONValue)] {
        [
            ("status", .string(c.status.rawValue)),
            ("unmeasured_ratio", .rounded(1 - c.measuredRatio)),
            ("speed", self.speedJSON(c.speed, withThresholds: false)),
        ]
    }

    /// The communes layer's flat status and speed properties: `status`, `unmeasured_ratio`, `speed_ratio_4g`,
    /// `speed_judged_ratio_4g`, ….
    func communeSpeedAndStatusProperties(_ c: CommuneCoverage) -> [(String, JSONValue)] {
        var properties: [(String, JSONValue)] = [
            ("status", .string(c.status.rawValue)), ("unmeasured_ratio", .rounded(1 - c.measuredRatio)),
        ]
        for t in self.settings.speedTechnologies {
            let f = c.speed[t] ?? .zero
            properties.append(("speed_ratio_\(t.rawValue.lowercased())", .rounded(f.coveredRatio)))
            properties.append(("speed_judged_ratio_\(t.rawValue.lowercased())", .rounded(f.judgedRatio)))
        }
        return properties
    }

    /// The cells layer's flat speed properties per technology judged for speed: `speed_state_4g`,
    /// `speed_dl_mbps_4g`, `speed_ul_mbps_4g`, `speed_dl_samples_4g`, `speed_ul_samples_4g`.
    func cellSpeedProperties(_ cell: CellCoverage) -> [(String, JSONValue)] {
        var properties: [(String, JSONValue)] = []
        for t in self.settings.speedTechnologies {
            let key = t.rawValue.lowercased()
            let f = cell.speed[t] ?? .noSamples
            properties += [
                ("speed_state_\(key)", .string(f.state.rawValue)),
                ("speed_dl_mbps_\(key)", f.downloadMedianMbps.map { .rounded($0, 3) } ?? .null),
                ("speed_ul_mbps_\(key)", f.uploadMedianMbps.map { .rounded($0, 3) } ?? .null),
                ("speed_dl_samples_\(key)", .int(f.downloadSamples)),
                ("speed_ul_samples_\(key)", .int(f.uploadSamples)),
            ]
        }
        return properties
    }
}
