import Foundation
import SiteCatalog

/// Temporary sites.yaml files for the tests, and the repository's own.
enum Fixture {
    /// The repository root, found from this file's path.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The repository's sites.yaml.
    static var repositorySitesPath: String { repositoryRoot + "/sites.yaml" }

    /// A fresh folder for one test.
    static func makeDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "sitecatalog-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `yaml` to a new file `sites.yaml` in a fresh folder and returns its path.
    static func write(_ yaml: String, name: String = "sites.yaml") throws -> String {
        let path = try makeDirectory() + "/" + name
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The diagnostics for `yaml` written to a temporary file, as `line:column: message` strings.
    static func problems(_ yaml: String) throws -> [String] {
        let path = try write(yaml)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        return SitesConfig.validate(path: path).map { "\($0.line):\($0.column): \($0.message)" }
    }
}
