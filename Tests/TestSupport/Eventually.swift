import Foundation

/// Polls `condition` every `poll` until it holds or `timeout` passes; whether it held. The one wait-for-a-condition
/// of the test suites, for async tests.
public func eventually(
    timeout: Duration = .seconds(120), poll: Duration = .milliseconds(50),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: poll)
    }
    return try await condition()
}

/// A fresh temporary directory for one test, named after it; the caller removes it.
public func makeTemporaryDirectory(_ name: String = #function) -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber || $0 == "-" }
    let prefix = safe.hasPrefix("netmon") ? safe : "netmon-" + safe
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "\(prefix)-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
