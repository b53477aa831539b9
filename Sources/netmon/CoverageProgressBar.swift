import Foundation

/// Writes to standard error.
struct CoverageStderr: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}

/// A one-line progress bar on standard error, drawn only when both standard output and standard error
/// are terminals (so pipes, files and `--json` output stay clean).
final class CoverageProgressBar {
    private let label: String
    private let total: Int64?
    private let enabled: Bool
    private var lastDrawn = Date.distantPast

    init(label: String, total: Int64?) {
        self.label = label
        self.total = total
        self.enabled = isatty(1) == 1 && isatty(2) == 1
    }

    func update(_ done: Int64) {
        guard self.enabled, Date().timeIntervalSince(self.lastDrawn) > 0.1 else { return }
        self.lastDrawn = Date()
        var line = "\r\(self.label) "
        if let total = self.total, total > 0 {
            let ratio = min(1, Double(done) / Double(total))
            let width = 30
            let filled = Int(ratio * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
            line += String(format: " %3.0f%%", ratio * 100)
        }
        line += String(format: " %.1f MB", Double(done) / 1e6)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard self.enabled, self.lastDrawn != .distantPast else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
