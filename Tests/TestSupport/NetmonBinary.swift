import Foundation

/// The `netmon` executables built beside the test bundle (`swift build --build-tests` builds them), or the paths
/// in `NETMON_BIN` and `NETMON_GATEWAY_BIN`.
public enum NetmonBinary {
    /// Absolute path of the full netmon executable.
    public static var path: String { self.locate("netmon", override: "NETMON_BIN") }

    /// Absolute path of the gateway build, `netmon-gateway` (the gateway subcommands only).
    public static var gatewayPath: String { self.locate("netmon-gateway", override: "NETMON_GATEWAY_BIN") }

    private static func locate(_ name: String, override variable: String) -> String {
        if let override = ProcessInfo.processInfo.environment[variable], !override.isEmpty { return override }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // Inside an .xctest bundle directory on some layouts: climb until a sibling of that name shows up.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return name
    }
}
