import Foundation

/// The recorded tool outputs in `Fixtures/`, each saved as the tool printed it (the test that reads one names its
/// source).
enum Fixture {
    static let directory: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    static func path(_ name: String) -> String { self.directory + "/" + name }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: self.path(name))) }

    static func text(_ name: String) throws -> String { String(decoding: try self.data(name), as: UTF8.self) }

    /// A fixed reading time, so readings compare equal.
    static let time = Date(timeIntervalSince1970: 1_796_000_000)
}
