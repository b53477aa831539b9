import Foundation
import TestSupport
import Testing

/// scripts/gen-sites.py: the committed communes section is exactly what the generator writes.
@Suite(.enabled(if: Python.path != nil, "python3 is not on PATH"))
struct GeneratorTests {

    static let boundaries = RepositoryData.communesGeoJSON

    /// Runs the generator on `sites`, returning its exit status.
    static func generate(sites: String, check: Bool) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Python.path))
        process.arguments =
            [Fixture.repositoryRoot + "/scripts/gen-sites.py", "--sites", sites, "--boundaries", Self.boundaries]
            + (check ? ["--check"] : [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func regeneratingFromAnEmptySectionGivesTheCommittedFile() throws {
        let committed = try String(contentsOfFile: Fixture.repositorySitesPath, encoding: .utf8)
        let lines = committed.components(separatedBy: "\n")
        let begin = try #require(lines.firstIndex { $0.contains("# BEGIN GENERATED COMMUNES") })
        let end = try #require(lines.firstIndex { $0.contains("# END GENERATED COMMUNES") })
        #expect(end - begin > 104)
        let emptied = Array(lines[...begin]) + Array(lines[end...])
        let path = try Fixture.write(emptied.joined(separator: "\n"))
        #expect(try Self.generate(sites: path, check: true) == 1)  // out of date before
        #expect(try Self.generate(sites: path, check: false) == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == committed)
        #expect(try Self.generate(sites: path, check: true) == 0)
    }
}

/// The python3 on PATH.
enum Python {
    static let path: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin")
        .split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}
