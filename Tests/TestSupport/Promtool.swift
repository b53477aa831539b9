import Foundation

/// Prometheus's own checker of the text exposition format, for every `/metrics` test.
public enum Promtool {
    /// Whether promtool (Debian: prometheus) is installed.
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") }

    /// `promtool check metrics` on `text`: its exit status and what it said (problems and lint warnings); nil when
    /// promtool is not installed.
    public static func checkMetrics(_ text: String) throws -> (status: Int32, output: String)? {
        guard self.isAvailable else { return nil }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent(
            "netmon-promtool-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = Spawn.run(["/usr/bin/promtool", "check", "metrics"], stdin: input.path)
        return (result.status, result.output)
    }
}
