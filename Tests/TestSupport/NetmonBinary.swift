import Foundation

/// The `netmon` executables built beside the test bundle (`swift build --build-tests` builds them), or the paths
/// in `NETMON_BIN` and `NETMON_GATEWAY_BIN`. The one place tests find them: never a `netmon` found on PATH.
public enum NetmonBinary {
    /// Absolute path of the full netmon executable (where it should be when it is not built: running it then
    /// fails with "no such file").
    public static var path: String { self.built ?? self.expected("netmon") }

    /// The full netmon executable, or nil when it is not built (for `.enabled(if:)`).
    public static var built: String? { self.locate("netmon", override: "NETMON_BIN") }

    /// Absolute path of the gateway build, `netmon-gateway` (the gateway subcommands only).
    public static var gatewayPath: String {
        self.locate("netmon-gateway", override: "NETMON_GATEWAY_BIN") ?? self.expected("netmon-gateway")
    }

    private static var productsDirectory: URL {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent()
    }

    private static func expected(_ name: String) -> String {
        self.productsDirectory.appendingPathComponent(name).path
    }

    private static func locate(_ name: String, override variable: String) -> String? {
        if let override = ProcessInfo.processInfo.environment[variable], !override.isEmpty { return override }
        var directory = self.productsDirectory
        // Inside an .xctest bundle directory on some layouts: climb until a sibling of that name shows up.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}
