import Foundation
import Logging

/// Where the province store lives: `sqlite:PATH` (or a bare path) or a `postgres://` URL.
public enum StoreLocation: Sendable, Hashable {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// Parses the `--database` argument; `passwordFile` (`--database-password-file`) and `environment` give a
    /// PostgreSQL password that is not in the URL (see ``PostgresLocation``).
    public init(
        parsing text: String, passwordFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(url: text, passwordFile: passwordFile, environment: environment))
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else {
                throw StoreError(
                    .badLocation, "sqlite: needs a file path, e.g. sqlite:netmon.sqlite", context: "--database")
            }
            self = .sqlite(path: path)
        } else if text.contains("://") {
            throw StoreError(
                .badLocation,
                "unknown database scheme in '\(PostgresLocation.redacted(text))': use sqlite:PATH or postgres://…",
                context: "--database")
        } else {
            self = .sqlite(path: text)
        }
    }

    /// Opens the store (not yet migrated); `postgresMigrations` are other modules' tables in a PostgreSQL
    /// database (see ``PostgresProvinceStore/init(location:logger:additionalMigrations:)``).
    public func open(
        logger: Logger = Logger(label: "netmon.store"), postgresMigrations: [ProvinceSchema.Migration] = []
    ) throws -> any ProvinceStore {
        switch self {
        case .sqlite(let path): return try SQLiteProvinceStore(path: path)
        case .postgres(let location):
            return try PostgresProvinceStore(
                location: location, logger: logger, additionalMigrations: postgresMigrations)
        }
    }
}
