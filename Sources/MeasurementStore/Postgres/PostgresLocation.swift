import Foundation
import PostgresNIO

/// A PostgreSQL connection URL: `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]`,
/// or with `?host=/socket/dir` for a unix socket (`/socket/dir/.s.PGSQL.<port>`).
public struct PostgresLocation: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var unixSocketDirectory: String?
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: String

    /// Parses a `postgres://` or `postgresql://` URL; throws a ``StoreError`` saying which part is wrong.
    public init(url text: String) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw StoreError(
                .badLocation, "expected postgres://user@host:port/database, got '\(text)'", context: "--database")
        }
        let items = Dictionary(
            (url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        self.unixSocketDirectory = items["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        self.host = url.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        self.port = url.port ?? 5432
        guard let user = url.user, !user.isEmpty else {
            throw StoreError(.badLocation, "the URL names no user (postgres://USER@host/db)", context: "--database")
        }
        self.username = user.removingPercentEncoding ?? user
        self.password = url.password.map { $0.removingPercentEncoding ?? $0 }
        let db = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard !db.isEmpty else {
            throw StoreError(.badLocation, "the URL names no database (postgres://user@host/DB)", context: "--database")
        }
        self.database = db
        self.sslMode = items["sslmode"] ?? "prefer"
        guard ["disable", "prefer", "require"].contains(self.sslMode) else {
            throw StoreError(
                .badLocation, "sslmode must be disable, prefer or require, not '\(self.sslMode)'", context: "--database"
            )
        }
    }

    /// The client configuration for this location.
    func clientConfiguration() throws -> PostgresClient.Configuration {
        if let dir = unixSocketDirectory {
            return PostgresClient.Configuration(
                unixSocketPath: "\(dir)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        }
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
    }
}
