import Foundation
import Yams

extension SitesConfig {
    /// Reads, decodes and validates the sites.yaml at `path`. Relative paths inside it (the boundaries file,
    /// secret files) are resolved against its folder.
    ///
    /// `boundaries` reads the boundaries file for the cross-check of the communes against it.
    ///
    /// - Throws: ``ConfigError`` with every problem found: `.unreadable`, `.unparsable` (with libyaml's position)
    ///   or `.invalid` (one diagnostic per problem).
    public static func load(
        path: String, boundaries: @escaping BoundaryCommunes.Reader = BoundaryCommunes.load
    ) throws(ConfigError) -> SitesConfig {
        let yaml = try Self.read(path: path)
        return try Self.decode(yaml: yaml, path: path, boundaries: boundaries)
    }

    /// Every problem in the sites.yaml at `path`, in file order; empty when it is valid. For `netmon check`.
    public static func validate(
        path: String, boundaries: @escaping BoundaryCommunes.Reader = BoundaryCommunes.load
    ) -> [Diagnostic] {
        do {
            _ = try Self.load(path: path, boundaries: boundaries)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// Decodes and validates YAML text. `path` names it in diagnostics, and its folder resolves relative paths
    /// (give the path the text would have on disk).
    public static func decode(
        yaml: String, path: String, boundaries: @escaping BoundaryCommunes.Reader = BoundaryCommunes.load
    ) throws(ConfigError) -> SitesConfig {
        let (root, duplicateKeys) = try Self.compose(yaml, path: path)
        let absolute = Self.absolute(path)
        let context = DecodeContext(file: path)
        let decoder = SitesDecoder(
            context: context, baseDirectory: (absolute as NSString).deletingLastPathComponent,
            boundaryReader: boundaries)
        let config = decoder.decode(root: root, sourcePath: absolute)
        if let config, context.diagnostics.isEmpty, duplicateKeys.isEmpty { return config }
        var diagnostics = (context.diagnostics + duplicateKeys).sorted()
        if diagnostics.isEmpty {
            diagnostics = [Diagnostic(path: path, line: 1, column: 1, message: "the configuration is incomplete")]
        }
        throw ConfigError(code: .invalid, diagnostics: diagnostics)
    }

    /// Composes the YAML tree. Yams refuses a mapping with a repeated key; each repetition becomes a diagnostic and
    /// is masked (replaced by as many private-use characters, so no position moves) before composing again, so a
    /// repeated key does not hide the rest of the file's problems.
    private static func compose(_ yaml: String, path: String) throws(ConfigError) -> (Node, [Diagnostic]) {
        var text = yaml
        var duplicates: [Diagnostic] = []
        while true {
            do {
                guard let composed = try Yams.compose(yaml: text) else {
                    throw ConfigError(
                        code: .invalid,
                        diagnostics: [
                            Diagnostic(path: path, line: 1, column: 1, message: "the file holds no YAML document")
                        ])
                }
                return (composed, duplicates)
            } catch let error as ConfigError {
                throw error
            } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
                let key = keys.first ?? ""
                let first = context.mark
                guard duplicates.count < DuplicateKeyMask.limit,
                    let repeated = Self.repetition(of: key, after: first, in: text)
                else {
                    let error = YamlError.duplicatedKeysInMapping(duplicates: keys, context: context)
                    throw ConfigError(
                        code: .unparsable,
                        diagnostics: duplicates + [Self.diagnostic(for: error, path: path, yaml: text)])
                }
                duplicates.append(
                    Diagnostic(
                        path: path, line: repeated.line, column: repeated.column,
                        message:
                            "duplicate key `\(key)` (first at line \(first.line), column \(first.column)); "
                            + "each key may appear once"))
                text = DuplicateKeyMask.mask(
                    text, line: repeated.line, column: repeated.column, length: key.unicodeScalars.count,
                    serial: duplicates.count)
            } catch {
                throw ConfigError(
                    code: .unparsable, diagnostics: duplicates + [Self.diagnostic(for: error, path: path, yaml: text)])
            }
        }
    }

    private static func read(path: String) throws(ConfigError) -> String {
        func fail(_ message: String) -> ConfigError {
            ConfigError(code: .unreadable, diagnostics: [Diagnostic(path: path, line: 0, column: 0, message: message)])
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fail("no such file")
        }
        guard !isDirectory.boolValue else { throw fail("is a folder, not a file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot be read (permissions?)") }
        guard let text = String(data: data, encoding: .utf8) else { throw fail("is not UTF-8 text") }
        return text
    }

    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        let cwd = FileManager.default.currentDirectoryPath
        return ((cwd as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// A diagnostic at the position libyaml reports.
    private static func diagnostic(for error: any Error, path: String, yaml: String) -> Diagnostic {
        func at(_ mark: Mark, _ message: String) -> Diagnostic {
            Diagnostic(path: path, line: mark.line, column: mark.column, message: message)
        }
        guard let error = error as? YamlError else {
            return Diagnostic(path: path, line: 1, column: 1, message: "not valid YAML: \(error)")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let where_ = context.map { " \($0.text) at line \($0.mark.line), column \($0.mark.column)" } ?? ""
            return at(mark, "not valid YAML: \(problem)\(where_.isEmpty ? "" : ";" + where_)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams points at the first occurrence; point at the repetition, which is what needs removing.
            let key = duplicates.first ?? ""
            let first = context.mark
            let repeated = Self.repetition(of: key, after: first, in: yaml) ?? (first.line, first.column)
            let others = duplicates.dropFirst().map { ", `\($0)`" }.joined()
            return Diagnostic(
                path: path, line: repeated.line, column: repeated.column,
                message:
                    "duplicate key `\(key)`\(others) (first at line \(first.line), column \(first.column)); each key may appear once"
            )
        case .reader(let problem, let offset, _, _):
            let prefix = offset.map { String(yaml.prefix($0)) } ?? ""
            let lines = prefix.split(separator: "\n", omittingEmptySubsequences: false)
            return Diagnostic(
                path: path, line: lines.count, column: (lines.last?.unicodeScalars.count ?? 0) + 1,
                message: "not valid YAML text: \(problem)")
        default:
            return Diagnostic(path: path, line: 1, column: 1, message: "not valid YAML: \(error)")
        }
    }

    /// Where `key` appears again as a mapping key after `first`: later on the same line, or at the same column on a
    /// later line (the next entry of the same block mapping).
    private static func repetition(of key: String, after first: Mark, in yaml: String) -> (line: Int, column: Int)? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line >= 1, first.line <= lines.count, !key.isEmpty else { return nil }
        let keyScalars = Array(key.unicodeScalars)
        for lineIndex in (first.line - 1)..<lines.count {
            let scalars = Array(lines[lineIndex].unicodeScalars)
            var start = 0
            while start + keyScalars.count <= scalars.count {
                let column = start + 1
                let candidate = lineIndex == first.line - 1 ? column > first.column : column == first.column
                if candidate, Array(scalars[start..<(start + keyScalars.count)]) == keyScalars {
                    var next = start + keyScalars.count
                    while next < scalars.count, scalars[next] == " " { next += 1 }
                    let before = start == 0 ? " " : scalars[start - 1]
                    if next < scalars.count, scalars[next] == ":", before == " " || before == "{" || before == "," {
                        return (lineIndex + 1, column)
                    }
                }
                start += 1
            }
        }
        return nil
    }
}
