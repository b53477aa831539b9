import Foundation

/// The communes of a boundaries GeoJSON file: GSO code (`ward_code`) → name. Geometry is not read here.
public struct BoundaryCommunes: Sendable, Hashable {
    /// Name by five-digit code.
    public var names: [String: String]

    /// Why a boundaries file could not be used.
    public enum Failure: Error, Sendable, Hashable {
        /// No file at the path.
        case notFound
        /// The file exists but is not a FeatureCollection whose features carry `ward_code` and `name`.
        case unreadable(String)
    }

    /// Reads the communes of the boundaries file at a path, for the cross-check of sites.yaml against it. A program
    /// that reads the boundaries anyway (the server, the coverage commands: CoverageModel's reader) passes its own,
    /// so the file is read once; the gateway build, which has no geometry, uses ``load(path:)``.
    public typealias Reader = @Sendable (_ path: String) -> Result<BoundaryCommunes, Failure>

    public init(names: [String: String]) { self.names = names }

    /// Reads the codes and names of the FeatureCollection at `path` (no geometry): the reader of the gateway build.
    public static func load(path: String) -> Result<BoundaryCommunes, Failure> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(.notFound)
        }
        guard !isDirectory.boolValue else { return .failure(.unreadable("it is a folder, not a file")) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.unreadable("it cannot be read"))
        }
        let collection: Collection
        do {
            collection = try JSONDecoder().decode(Collection.self, from: data)
        } catch {
            return .failure(
                .unreadable(
                    "not a GeoJSON FeatureCollection with ward_code and name properties (\(Self.describe(error)))"))
        }
        var names: [String: String] = [:]
        for (index, feature) in collection.features.enumerated() {
            let code = feature.properties.wardCode
            guard code.count == 5 else {
                return .failure(.unreadable("feature \(index) has ward_code `\(code)`, not five digits"))
            }
            if names[code] != nil {
                return .failure(.unreadable("ward_code `\(code)` appears twice (feature \(index))"))
            }
            names[code] = feature.properties.name.trimmingCharacters(in: .whitespaces)
        }
        return .success(BoundaryCommunes(names: names))
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing `\(key.stringValue)` at \(Self.path(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at \(Self.path(context.codingPath))"
        @unknown default:
            return "\(error)"
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "the top level" }
        return codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    private struct Collection: Decodable {
        let features: [Feature]
    }

    private struct Feature: Decodable {
        let properties: Properties
    }

    private struct Properties: Decodable {
        let wardCode: String
        let name: String

        enum CodingKeys: String, CodingKey {
            case wardCode = "ward_code"
            case name
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let number = try? container.decode(Int.self, forKey: .wardCode) {
                self.wardCode = String(format: "%05d", number)
            } else {
                self.wardCode = try container.decode(String.self, forKey: .wardCode)
            }
            self.name = try container.decode(String.self, forKey: .name)
        }
    }
}
