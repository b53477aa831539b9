import Foundation

/// The report files a command was given: files as named, and for each folder its `*.csv` and `*.txt` files in name
/// order (byte order of the names, not descending into subfolders).
enum ReportFiles {
    /// Why the arguments name no readable report.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The file extensions a folder is read for.
    static let folderExtensions: Set<String> = ["csv", "txt"]

    /// `arguments` with each folder replaced by its report files. Throws for a path that does not exist and for a
    /// folder that holds no report file.
    static func expand(_ arguments: [String]) throws -> [String] {
        var files: [String] = []
        for path in arguments {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw Problem(description: "\(path): no such file or folder")
            }
            guard isFolder.boolValue else {
                files.append(path)
                continue
            }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                throw Problem(description: "\(path): cannot list the folder: \(error.localizedDescription)")
            }
            let reports = names.filter { name in
                guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
                return Self.folderExtensions.contains(name[name.index(after: dot)...].lowercased())
            }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            let inside = reports.map { (path as NSString).appendingPathComponent($0) }.filter {
                var folder: ObjCBool = false
                return FileManager.default.fileExists(atPath: $0, isDirectory: &folder) && !folder.boolValue
            }
            if inside.isEmpty { throw Problem(description: "\(path): the folder holds no .csv or .txt file") }
            files += inside
        }
        return files
    }
}
