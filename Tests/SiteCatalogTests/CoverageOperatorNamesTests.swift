import Foundation
import SiteCatalog
import Testing

/// `coverage.operators`: operator display names by MCC-MNC code.
@Suite struct CoverageOperatorNamesTests {
    /// Line 38 of the fixture is `targets:` of `coverage:`; the operators go after it.
    static func yaml(_ operators: String) -> String {
        Fixture.base(replacing: 38, with: Fixture.base.components(separatedBy: "\n")[37] + "\n" + operators)
    }

    @Test func namesAreRead() throws {
        let config = try SitesConfig.load(
            path: try Fixture.write(Self.yaml(#"  operators: { "452-04": Viettel Telecom, "452-05": Vietnamobile }"#)))
        #expect(config.coverage.operators == ["452-04": "Viettel Telecom", "452-05": "Vietnamobile"])
    }

    @Test func absentMeansNone() throws {
        let config = try SitesConfig.load(path: try Fixture.write(Fixture.base))
        #expect(config.coverage.operators.isEmpty)
    }

    @Test func badCodeAndEmptyNameAreReportedAtTheirPositions() throws {
        let problems = try Fixture.problems(Self.yaml(#"  operators: { "45204": Viettel, "452-01": "" }"#))
        #expect(
            problems == [
                "39:16: operator code string \"45204\" in `coverage.operators` is not an MCC-MNC code such as "
                    + "\"452-04\" (three digits, a dash, two or three digits; quote it)",
                "39:44: `coverage.operators.452-01` must not be empty",
            ])
    }

    @Test func aListIsRefused() throws {
        let problems = try Fixture.problems(Self.yaml("  operators: [Viettel]"))
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("39:14: expected a mapping of operator codes to names") == true)
    }
}
