import Foundation
import SiteCatalog
import Testing

/// Damaged files never crash the loader: every line removed, every prefix of the file, every line duplicated.
@Suite struct RobustnessTests {
    static let lines = Fixture.base.components(separatedBy: "\n")

    /// Decodes `yaml`, checking that every diagnostic is inside the file and that they come in file order.
    static func checkDiagnostics(_ yaml: String) {
        do {
            _ = try SitesConfig.decode(yaml: yaml, path: "/nonexistent/sites.yaml")
        } catch {
            let count = yaml.components(separatedBy: "\n").count
            #expect(!error.diagnostics.isEmpty)
            #expect(error.diagnostics == error.diagnostics.sorted() || error.code != .invalid)
            for diagnostic in error.diagnostics {
                #expect((1...count + 1).contains(diagnostic.line), "\(diagnostic)")
                #expect(diagnostic.column >= 1, "\(diagnostic)")
                #expect(!diagnostic.message.isEmpty)
            }
        }
    }

    @Test func everyLineRemoved() {
        for index in Self.lines.indices {
            var lines = Self.lines
            lines.remove(at: index)
            Self.checkDiagnostics(lines.joined(separator: "\n"))
        }
    }

    @Test func everyPrefix() {
        for count in 0..<Self.lines.count {
            let yaml = Self.lines.prefix(count).joined(separator: "\n")
            if count == 0 { continue }  // the empty file: covered by ParseErrorTests
            Self.checkDiagnostics(yaml)
        }
    }

    @Test func everyLineDuplicated() {
        for index in Self.lines.indices {
            var lines = Self.lines
            lines.insert(lines[index], at: index)
            Self.checkDiagnostics(lines.joined(separator: "\n"))
        }
    }

    @Test func valuesReplacedByOtherTypes() {
        // Every `key: value` line's value replaced by a list, a mapping, null, a number and a long string.
        for replacement in ["[1, 2]", "{ a: 1 }", "null", "-1", "\"\(String(repeating: "x", count: 500))\""] {
            for (index, line) in Self.lines.enumerated() {
                guard let colon = line.range(of: ": ") else { continue }
                var lines = Self.lines
                lines[index] = String(line[..<colon.upperBound]) + replacement
                Self.checkDiagnostics(lines.joined(separator: "\n"))
            }
        }
    }
}
