import Foundation
import SiteCatalog
import Testing

/// Files that cannot be read or are not YAML: one diagnostic with libyaml's position, and the right code.
@Suite struct ParseErrorTests {
    static func error(_ yaml: String) throws -> ConfigError {
        let path = try Fixture.write(yaml)
        do {
            _ = try SitesConfig.load(path: path)
        } catch {
            return error
        }
        Issue.record("expected an error")
        return ConfigError(code: .invalid, diagnostics: [])
    }

    @Test func unclosedFlowSequence() throws {
        let error = try Self.error("version: 1\nprovince: { name: X, code: \"33\"\nnetwork: [1, 2\n")
        #expect(error.code == .unparsable)
        #expect(
            error.diagnostics.map { "\($0.line):\($0.column): \($0.message)" } == [
                "3:1: not valid YAML: did not find expected ',' or '}'; while parsing a flow mapping at line 2, column 11"
            ])
    }

    @Test func badIndentation() throws {
        let error = try Self.error("version: 1\nprovince:\n  name: X\n code: \"33\"\n")
        #expect(error.code == .unparsable)
        let diagnostic = try #require(error.diagnostics.first)
        #expect(diagnostic.line == 4 && diagnostic.column == 2, "\(diagnostic)")
        #expect(
            diagnostic.message
                == "not valid YAML: did not find expected key; while parsing a block mapping at line 1, column 1")
    }

    @Test func duplicateKeyPointsAtTheRepetition() throws {
        var lines = Fixture.base.components(separatedBy: "\n")
        lines.insert("    gateway: 10.33.3.2", at: 26)
        let error = try Self.error(lines.joined(separator: "\n"))
        #expect(error.code == .invalid)
        #expect(
            error.diagnostics.map { "\($0.line):\($0.column): \($0.message)" } == [
                "27:5: duplicate key `gateway` (first at line 26, column 5); each key may appear once"
            ])
    }

    @Test func duplicateKeysDoNotHideOtherProblems() throws {
        var lines = Fixture.base.components(separatedBy: "\n")
        lines.insert("    gateway: 10.33.3.2", at: 26)
        var yaml = lines.joined(separator: "\n")
        yaml = yaml.replacingOccurrences(of: "kind: icmp }", with: "kind: icmp, kind: tcp }")
        yaml = yaml.replacingOccurrences(of: "step: 60s", with: "step: 60x")
        let error = try Self.error(yaml)
        #expect(error.code == .invalid)
        #expect(
            error.diagnostics.map { "\($0.line):\($0.column): \($0.message)" } == [
                "13:55: duplicate key `kind` (first at line 13, column 43); each key may appear once",
                "16:30: `60x` is not a duration; write e.g. 500ms, 30s, 5m, 4h or 1h30m",
                "27:5: duplicate key `gateway` (first at line 26, column 5); each key may appear once",
                "30:54: duplicate key `kind` (first at line 30, column 42); each key may appear once",
            ])
    }

    @Test func aKeyRepeatedThreeTimesIsReportedTwice() throws {
        var lines = Fixture.base.components(separatedBy: "\n")
        lines.insert(contentsOf: ["    gateway: 10.33.3.2", "    gateway: 10.33.3.3"], at: 26)
        let error = try Self.error(lines.joined(separator: "\n"))
        #expect(
            error.diagnostics.map { "\($0.line):\($0.column): \($0.message)" } == [
                "27:5: duplicate key `gateway` (first at line 26, column 5); each key may appear once",
                "28:5: duplicate key `gateway` (first at line 26, column 5); each key may appear once",
            ])
    }

    @Test func emptyFile() throws {
        let error = try Self.error("")
        #expect(error.code == .invalid)
        #expect(error.diagnostics.map(\.message) == ["the file holds no YAML document"])
    }

    @Test func topLevelList() throws {
        let error = try Self.error("- 1\n- 2\n")
        #expect(error.code == .invalid)
        #expect(
            error.diagnostics.map { "\($0.line):\($0.column): \($0.message)" } == [
                "1:1: expected a mapping for sites.yaml, found a list"
            ])
    }

    @Test func missingFile() throws {
        let path = NSTemporaryDirectory() + "sitecatalog-missing-\(UUID().uuidString).yaml"
        do {
            _ = try SitesConfig.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.diagnostics == [Diagnostic(path: path, line: 0, column: 0, message: "no such file")])
            #expect(error.diagnostics[0].description == "\(path): no such file")
        }
    }
}
