/// One problem found in a configuration file, with the place it was found.
///
/// Printed as `path:line:column: message`, the form compilers use, so editors and terminals can jump to it.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible, Codable {
    /// The file the problem is in, as given to the loader.
    public var path: String
    /// 1-based line; 0 when the problem concerns the whole file (it cannot be read, say).
    public var line: Int
    /// 1-based column, counted in Unicode scalars as libyaml does; 0 with `line` 0.
    public var column: Int
    /// One sentence saying what is wrong and, where it can, what to write instead.
    public var message: String
    /// Where in the document the problem is, e.g. `communes[3].gateway`; empty for the whole file.
    public var field: String

    /// Creates a diagnostic.
    public init(path: String, line: Int, column: Int, message: String, field: String = "") {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.field = field
    }

    /// `path:line:column: message` (or `path: message` when there is no position).
    public var description: String {
        if self.line > 0 {
            return "\(self.path):\(self.line):\(self.column): \(self.message)"
        }
        return "\(self.path): \(self.message)"
    }
}

extension Diagnostic: Comparable {
    /// Orders by file, then line, then column, then message, so output is stable.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.path, lhs.line, lhs.column, lhs.message) < (rhs.path, rhs.line, rhs.column, rhs.message)
    }
}
