import Foundation

/// The `netmon` executable built beside the test bundle (`swift build --build-tests` builds it), or the path in
/// `NETMON_BIN`.
public enum NetmonBinary {
    /// Absolute path of the netmon executable.
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["NETMON_BIN"], !override.isEmpty { return override }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // Inside an .xctest bundle directory on some layouts: climb until a `netmon` sibling shows up.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("netmon").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return "netmon"
    }
}
