import Foundation
import SiteCatalog
import TestSupport
import Testing

/// The communes against the boundaries GeoJSON. The fixture gets a `boundaries:` line after line 4, so every
/// later line number is one more than in `Fixture.base`.
@Suite struct BoundariesDiagnosticsTests {
    static let geojson = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"ward_code":11953,"name":"Phường Phố Hiến"},"geometry":null},
        {"type":"Feature","properties":{"ward_code":11977,"name":"Xã Tân Hưng"},"geometry":null},
        {"type":"Feature","properties":{"ward_code":"13063","name":"Xã Nam Tiền Hải"},"geometry":null},
        {"type":"Feature","properties":{"ward_code":12000,"name":"Xã Thử Nghiệm"},"geometry":null}
        ]}
        """

    /// Writes the boundaries file and a sites.yaml naming it; returns the sites.yaml path.
    static func write(
        _ yaml: String = Fixture.base, boundaries: String = "communes.geojson", requireAll: Bool? = nil,
        geojson: String = geojson
    ) throws -> String {
        let folder = try Fixture.makeDirectory()
        try geojson.write(toFile: folder + "/communes.geojson", atomically: true, encoding: .utf8)
        var lines = yaml.components(separatedBy: "\n")
        var extra = "  boundaries: \(boundaries)"
        if let requireAll { extra += "\n  require_all_communes: \(requireAll)" }
        lines.insert(extra, at: 4)
        let path = folder + "/sites.yaml"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func problems(_ path: String) -> [String] {
        SitesConfig.validate(path: path).map { "\($0.line):\($0.column): \($0.message)" }
    }

    @Test func everyCommuneOfTheFileMustBeListed() throws {
        #expect(
            Self.problems(try Self.write()) == [
                "21:1: commune 12000 (Xã Thử Nghiệm) of the boundaries file is missing from `communes`"
            ])
    }

    @Test func partialListsAreAllowedWhenSaid() throws {
        let path = try Self.write(requireAll: false)
        #expect(Self.problems(path) == [])
        let config = try SitesConfig.load(path: path)
        #expect(config.province.boundariesPath == (path as NSString).deletingLastPathComponent + "/communes.geojson")
        #expect(config.province.requiresAllCommunes == false)
    }

    @Test func missingBoundariesFile() throws {
        let path = try Self.write(boundaries: "../nowhere/communes.geojson")
        let folder = ((path as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        #expect(
            Self.problems(path) == [
                "5:15: boundaries file `../nowhere/communes.geojson` not found (looked for \(folder)/nowhere/communes.geojson)"
            ])
    }

    @Test func boundariesFileThatIsNotGeoJSON() throws {
        let path = try Self.write(geojson: "{\"type\": \"FeatureCollection\"}")
        #expect(
            Self.problems(path) == [
                "5:15: boundaries file `communes.geojson` cannot be used: not a GeoJSON FeatureCollection with ward_code "
                    + "and name properties (missing `features` at the top level)"
            ])
    }

    @Test func codeNotInTheBoundariesFile() throws {
        let yaml = Fixture.base(line: 22, replacing: "\"11977\"", with: "\"11978\"")
        #expect(
            Self.problems(try Self.write(yaml)) == [
                "21:1: commune 11977 (Xã Tân Hưng) of the boundaries file is missing from `communes`",
                "21:1: commune 12000 (Xã Thử Nghiệm) of the boundaries file is missing from `communes`",
                "23:13: commune code `11978` is not in the boundaries file communes.geojson; did you mean `11977` (Xã Tân Hưng)?",
            ])
    }

    @Test func nameDifferentFromTheBoundariesFile() throws {
        let yaml = Fixture.base(line: 22, replacing: "Xã Tân Hưng", with: "Xa Tan Hung")
        #expect(
            Self.problems(try Self.write(yaml, requireAll: false)) == [
                "24:28: commune 11977 is named `Xã Tân Hưng` in the boundaries file, not `Xa Tan Hung`"
            ])
    }
}

/// Against the real boundaries file of the province.
@Suite struct RealBoundariesTests {
    static let boundaries = RepositoryData.communesGeoJSON

    @Test func aThreeCommuneFileMissesTheOther101() throws {
        let path = try BoundariesDiagnosticsTests.write(boundaries: Self.boundaries)
        let problems = BoundariesDiagnosticsTests.problems(path)
        #expect(problems.count == 11)
        #expect(
            problems.first == "21:1: commune 11980 (Phường Hồng Châu) of the boundaries file is missing from `communes`"
        )
        #expect(
            problems.last
                == "21:1: … and 91 more communes of the boundaries file are missing from `communes` (scripts/gen-sites.py writes the full list)"
        )
    }

    @Test func aBrokenCommunesListDoesNotFloodWithMissingCommunes() throws {
        let yaml = Fixture.base.replacingOccurrences(of: "communes:\n", with: "communes: none\nold_communes:\n")
        let path = try BoundariesDiagnosticsTests.write(yaml)
        let problems = BoundariesDiagnosticsTests.problems(path)
        #expect(problems.first == "21:11: expected a list for communes `communes`, found string \"none\"")
        #expect(problems.contains { $0.contains("is missing from `communes`") } == false)
    }
}

/// A boundaries setting naming a folder.
@Suite struct BoundariesFolderTests {
    @Test func aFolderIsNotABoundariesFile() throws {
        let path = try BoundariesDiagnosticsTests.write(boundaries: ".")
        #expect(
            BoundariesDiagnosticsTests.problems(path) == [
                "5:15: boundaries file `.` cannot be used: it is a folder, not a file"
            ])
    }
}
