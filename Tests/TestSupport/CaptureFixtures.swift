import Foundation

/// Paths of the shared, read-only capture files (`shared/data/pcaps` beside the package, see ``RepositoryData``:
/// tests that read them skip without it).
public enum CaptureFixtures {
    /// The package's root folder.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The folder of the real captures and their tshark references.
    public static var pcapsDirectory: URL {
        URL(fileURLWithPath: RepositoryData.shared("pcaps"))
    }

    /// The path of a shared capture file.
    public static func pcap(_ name: String) -> String {
        Self.pcapsDirectory.appendingPathComponent(name).path
    }

    /// A unique temporary file path with the given extension.
    public static func temporaryPath(_ prefix: String, extension ext: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(getpid())-\(UUID().uuidString.prefix(8)).\(ext)").path
    }
}
