import Foundation
import SiteCatalog
import TestSupport
import Testing

/// `netmon check` end to end: the built binary, its output streams and exit codes.
@Suite(.enabled(if: NetmonBinary.built != nil, "the netmon binary is not built (run `swift build --build-tests`)"))
struct CheckCommandTests {
    struct Run {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    static func run(_ arguments: [String], in folder: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(NetmonBinary.built))
        process.arguments = ["check"] + arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readToEndRetryingInterrupts()
        let errData = error.fileHandleForReading.readToEndRetryingInterrupts()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }

    @Test func realSitesYAMLPasses() throws {
        let run = try Self.run(["sites.yaml"], in: Fixture.repositoryRoot)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("sites.yaml: valid: Hưng Yên, 104 communes"))
        #expect(run.standardError == "")
    }

    @Test func problemsGoToStandardErrorWithPositionsAndExitOne() throws {
        var yaml = Fixture.base(line: 21, replacing: "gateway: 10.33.1.1", with: "gateway: 10.33.9.1")
        yaml = yaml.replacingOccurrences(of: "    gateway: 10.33.3.1", with: "    gatway: 10.33.3.1")
        let path = try Fixture.write(yaml)
        let folder = (path as NSString).deletingLastPathComponent
        let run = try Self.run(["sites.yaml"], in: folder)
        #expect(run.status == 1)
        #expect(run.standardOutput == "")
        #expect(
            run.standardError.split(separator: "\n") == [
                "sites.yaml:21:76: gateway 10.33.9.1 is not inside the commune's subnet 10.33.1.0/24",
                "sites.yaml:23:5: missing required key `gateway` in commune",
                "sites.yaml:26:5: unknown key `gatway` in commune; did you mean `gateway`?",
                "sites.yaml has 3 problems",
            ])
    }

    @Test func jsonReport() throws {
        let yaml = Fixture.base(line: 18, replacing: "clear: 40", with: "clear: 60")
        let path = try Fixture.write(yaml)
        let run = try Self.run([path, "--json"])
        #expect(run.status == 1)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        #expect(object["error"] as? String == "invalid")
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(problems.count == 1)
        #expect(problems.first?["line"] as? Int == 18)
        #expect(problems.first?["column"] as? Int == 17)
        #expect(problems.first?["field"] as? String == "defaults.thresholds.latency_ms")
        #expect(problems.first?["path"] as? String == path)
    }

    @Test func unparsableFileExitsTwo() throws {
        let path = try Fixture.write("version: 1\nprovince: [\n")
        let run = try Self.run([path])
        #expect(run.status == 2)
        let first = try #require(run.standardError.split(separator: "\n").first)
        #expect(first.hasPrefix("\(path):3:1: not valid YAML"), "\(run.standardError)")
        #expect(run.standardError.hasSuffix("\(path) is not valid YAML\n"))
    }

    @Test func missingFileExitsTwo() throws {
        let run = try Self.run(["/nonexistent/sites.yaml"])
        #expect(run.status == 2)
        #expect(run.standardError == "/nonexistent/sites.yaml: no such file\n/nonexistent/sites.yaml cannot be read\n")
    }
}

/// `netmon check` with no argument reads ./sites.yaml.
@Suite(.enabled(if: NetmonBinary.built != nil, "the netmon binary is not built (run `swift build --build-tests`)"))
struct CheckCommandDefaultPathTests {
    @Test func noArgumentMeansSitesYAMLInTheWorkingDirectory() throws {
        let inRepository = try CheckCommandTests.run([], in: Fixture.repositoryRoot)
        #expect(inRepository.status == 0)
        let empty = try Fixture.makeDirectory()
        let elsewhere = try CheckCommandTests.run([], in: empty)
        #expect(elsewhere.status == 2)
        #expect(elsewhere.standardError == "sites.yaml: no such file\nsites.yaml cannot be read\n")
    }
}
