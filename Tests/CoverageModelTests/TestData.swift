import Foundation
import TestSupport

/// The real data of this suite: the communes from the repository, the Cork drive test from the shared reference
/// data (see ``RepositoryData``: tests that read it skip without it).
enum TestData {
    static var corkCSV: String { RepositoryData.shared("drive-tests/cork_5g_download_driving.csv") }
    static var communesGeoJSON: String { RepositoryData.communesGeoJSON }

    /// A unique temporary file path.
    static func temporaryPath(_ suffix: String) -> String {
        NSTemporaryDirectory() + "netmon-coverage-\(UUID().uuidString)\(suffix)"
    }
}
