import CoverageModel
import Foundation
import SiteCatalog
import Synchronization

/// The boundaries file read once, by CoverageModel's reader, for both sites.yaml's cross-check of its communes
/// and the command's own use (the coverage computation, the server's map layers).
final class BoundaryReading: Sendable {
    private let last = Mutex<(path: String, result: Result<[CommuneBoundary], any Error>)?>(nil)

    /// The reader to give `SitesConfig.load`: it keeps what it read for ``communes(path:)``.
    var reader: BoundaryCommunes.Reader {
        { path in
            guard FileManager.default.fileExists(atPath: path) else { return .failure(.notFound) }
            switch self.read(path: path) {
            case .success(let communes):
                var names: [String: String] = [:]
                for commune in communes {
                    guard names[commune.code] == nil else {
                        return .failure(.unreadable("ward_code `\(commune.code)` appears twice"))
                    }
                    names[commune.code] = commune.name
                }
                return .success(BoundaryCommunes(names: names))
            case .failure(let error):
                return .failure(.unreadable("\(error)"))
            }
        }
    }

    /// The communes of the file at `path`: read now, or kept from the cross-check.
    func communes(path: String) throws -> [CommuneBoundary] { try self.read(path: path).get() }

    private func read(path: String) -> Result<[CommuneBoundary], any Error> {
        if let last = self.last.withLock({ $0 }), last.path == path { return last.result }
        let result = Result { try CommuneBoundaryReader.read(path: path) }
        self.last.withLock { $0 = (path, result) }
        return result
    }
}
