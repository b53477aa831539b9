import Foundation

/// The real data the tests read. The boundaries are product data and live in the repository (`data/boundaries`);
/// the captures with tshark's values, the Cork drive test and the G-NetTrack logs are reference data kept outside
/// it, in the project's read-only `shared/data` beside the checkout. A clone with nothing beside it has only the
/// first: tests of the second kind skip, saying why (`.enabled(if: RepositoryData.hasSharedData, …)`).
public enum RepositoryData {
    /// The package's root folder.
    public static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The 104 communes and wards of Hưng Yên (the file sites.yaml names), from the repository.
    public static var communesGeoJSON: String {
        Self.root.appendingPathComponent("data/boundaries/hungyen_communes_2025.geojson").path
    }

    /// The province outline, from the repository.
    public static var provinceGeoJSON: String {
        Self.root.appendingPathComponent("data/boundaries/hungyen_province_2025.geojson").path
    }

    /// The shared reference data: `NETMON_SHARED_DATA` when set (a folder that does not exist means "none"),
    /// else the first `shared/data` (with its README.md) in the package's parent folders; nil when there is none.
    public static let sharedData: String? = {
        if let override = ProcessInfo.processInfo.environment["NETMON_SHARED_DATA"], !override.isEmpty {
            return FileManager.default.fileExists(atPath: override + "/README.md") ? override : nil
        }
        var folder = Self.root.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("shared/data")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) {
                return candidate.path
            }
            folder.deleteLastPathComponent()
        }
        return nil
    }()

    /// Whether the shared reference data is there.
    public static var hasSharedData: Bool { Self.sharedData != nil }

    /// Why tests of the shared reference data are skipped.
    public static let sharedDataSkipReason =
        "needs the reference data in shared/data beside the repository (captures with tshark's values, drive tests; "
        + "licensed separately, not in the repository) or NETMON_SHARED_DATA; none found"

    /// The path of `relative` inside the shared reference data; a path that does not exist when there is none, so
    /// that a test run without the skip trait fails on a clear "no such file".
    public static func shared(_ relative: String) -> String {
        (Self.sharedData ?? "/nonexistent/shared/data") + "/" + relative
    }
}
