import Foundation

/// Where the shared, read-only data lives (`../shared/data` seen from the project's parent folders),
/// overridable with NETMON_SHARED_DATA.
enum TestData {
    static let sharedData: String = {
        if let env = ProcessInfo.processInfo.environment["NETMON_SHARED_DATA"] { return env }
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("shared/data")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) {
                return candidate.path
            }
            url.deleteLastPathComponent()
        }
        return "/work/shared/data"
    }()

    static var corkCSV: String { sharedData + "/drive-tests/cork_5g_download_driving.csv" }
    static var communesGeoJSON: String { sharedData + "/boundaries/hungyen_communes_2025.geojson" }

    /// A unique temporary file path.
    static func temporaryPath(_ suffix: String) -> String {
        NSTemporaryDirectory() + "netmon-coverage-\(UUID().uuidString)\(suffix)"
    }
}
