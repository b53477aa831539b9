import Foundation
import NIOSSL
import PostgresNIO

/// A PostgreSQL connection URL: `postgres://user@host[:port]/database[?sslmode=…&sslrootcert=FILE]`, or with
/// `?host=/socket/dir` for a unix socket (`/socket/dir/.s.PGSQL.<port>`).
///
/// The password need not be in the URL (where `ps` shows it): it is taken, in this order, from the URL, from a
/// password file (`--database-password-file`: the file's first line), from `PGPASSWORD`, or from a pgpass file
/// (`PGPASSFILE`, else `~/.pgpass`: `host:port:database:user:password` lines, `*` for any). Every message that
/// shows the URL shows it with the password replaced by `***`.
///
/// `sslmode` follows libpq: `disable`, `prefer` (TLS if the server offers it, no certificate check), `require`
/// (TLS, no certificate check unless `sslrootcert` is given, then as `verify-ca`), `verify-ca` (the chain is
/// checked against `sslrootcert` or the system roots), `verify-full` (and the host name). Without `sslmode`, a
/// server on loopback or a unix socket gets `prefer` and any other host `require`: a password never travels in
/// clear text to another machine unless `sslmode=disable` says so.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// libpq's `sslmode` values that netmon supports.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var unixSocketDirectory: String?
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// A PEM file of trusted root certificates (`sslrootcert=`); nil: the system's.
    public var sslRootCertificate: String?

    /// Parses a `postgres://` or `postgresql://` URL; throws a ``StoreError`` saying which part is wrong (the
    /// URL in it redacted). `passwordFile` and `environment` (`PGPASSWORD`, `PGPASSFILE`, `HOME`) supply the
    /// password when the URL has none.
    public init(
        url text: String, passwordFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let shown = Self.redacted(text)
        guard let url = URLComponents(string: text), let scheme = url.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw StoreError(
                .badLocation, "expected postgres://user@host:port/database, got '\(shown)'", context: "--database")
        }
        let items = Dictionary(
            (url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let known: Set<String> = ["host", "sslmode", "sslrootcert"]
        if let unknown = items.keys.sorted().first(where: { !known.contains($0) }) {
            throw StoreError(
                .badLocation,
                "unknown URL parameter '\(unknown)' (netmon knows host, sslmode and sslrootcert; a password goes in "
                    + "--database-password-file or PGPASSWORD)",
                context: "--database \(shown)")
        }
        self.unixSocketDirectory = items["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        let host = url.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = url.port ?? 5432
        guard (1...65_535).contains(self.port) else {
            throw StoreError(.badLocation, "port \(self.port) is out of range", context: "--database \(shown)")
        }
        guard let user = url.user, !user.isEmpty else {
            throw StoreError(
                .badLocation, "the URL names no user (postgres://USER@host/db)", context: "--database \(shown)")
        }
        self.username = user.removingPercentEncoding ?? user
        let db = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard !db.isEmpty else {
            throw StoreError(
                .badLocation, "the URL names no database (postgres://user@host/DB)", context: "--database \(shown)")
        }
        self.database = db.removingPercentEncoding ?? db
        if let text = items["sslmode"] {
            guard let mode = SSLMode(rawValue: text) else {
                throw StoreError(
                    .badLocation,
                    "sslmode must be "
                        + SSLMode.allCases.map(\.rawValue).joined(separator: ", ") + ", not '\(text)'",
                    context: "--database \(shown)")
            }
            self.sslMode = mode
        } else {
            self.sslMode = self.unixSocketDirectory != nil || Self.isLoopback(self.host) ? .prefer : .require
        }
        self.sslRootCertificate = items["sslrootcert"].flatMap { $0.isEmpty || $0 == "system" ? nil : $0 }
        if let root = self.sslRootCertificate, !FileManager.default.isReadableFile(atPath: root) {
            throw StoreError(.badLocation, "cannot read sslrootcert '\(root)'", context: "--database \(shown)")
        }
        if let password = url.password {
            self.password = password.removingPercentEncoding ?? password
        } else if let passwordFile {
            self.password = try Self.readPasswordFile(passwordFile)
        } else if let password = environment["PGPASSWORD"], !password.isEmpty {
            self.password = password
        } else {
            self.password = try Self.pgpassPassword(
                environment: environment, host: self.unixSocketDirectory == nil ? self.host : "localhost",
                port: self.port, database: self.database, username: self.username)
        }
    }

    /// The URL as it may be shown: `postgres://user:***@host/db` (the password, if any, replaced).
    public var redactedURL: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        let user = self.password == nil ? self.username : "\(self.username):***"
        var query = ["sslmode=\(self.sslMode.rawValue)"]
        if let dir = self.unixSocketDirectory { query.insert("host=\(dir)", at: 0) }
        if let root = self.sslRootCertificate { query.append("sslrootcert=\(root)") }
        return "postgres://\(user)@\(host):\(self.port)/\(self.database)?" + query.joined(separator: "&")
    }

    public var description: String { self.redactedURL }
    public var debugDescription: String { self.redactedURL }

    /// `text` with the password of its `user:password@` part, and any `password=` parameter, replaced by `***`
    /// (also when the URL is malformed).
    public static func redacted(_ text: String) -> String {
        var result = text
        if let schemeEnd = text.range(of: "://") {
            let afterScheme = text[schemeEnd.upperBound...]
            let authorityEnd =
                afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? text.endIndex
            let authority = text[schemeEnd.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result = String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
            }
        }
        guard let query = result.firstIndex(of: "?") else { return result }
        let parameters = result[result.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false)
            .map { parameter in
                parameter.lowercased().hasPrefix("password=") ? "password=***" : String(parameter)
            }
        return String(result[...query]) + parameters.joined(separator: "&")
    }

    static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered.hasSuffix(".localhost") || lowered == "::1" { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The first line of a password file (a trailing CR/LF is not part of the password).
    static func readPasswordFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.badLocation, "cannot read the password file", context: "--database-password-file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let line =
            text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .first.map(String.init) ?? ""
        let password = line.hasSuffix("\r") ? String(line.dropLast()) : line
        guard !password.isEmpty else {
            throw StoreError(
                .badLocation, "the password file's first line is empty", context: "--database-password-file \(path)")
        }
        return password
    }

    /// The password of the first matching line of the pgpass file (`PGPASSFILE`, else `~/.pgpass`), if any. As
    /// libpq, a file readable by group or others is not used.
    static func pgpassPassword(
        environment: [String: String], host: String, port: Int, database: String, username: String
    ) throws -> String? {
        let path: String
        if let file = environment["PGPASSFILE"], !file.isEmpty {
            path = file
        } else if let home = environment["HOME"], !home.isEmpty {
            path = home + "/.pgpass"
        } else {
            return nil
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw StoreError(
                .badLocation, "the pgpass file is readable by group or others (chmod 600 it)", context: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let wanted = [host, String(port), database, username]
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            guard !line.hasPrefix("#") else { continue }
            let fields = Self.pgpassFields(String(line))
            guard fields.count == 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// Splits a pgpass line on unescaped `:` (`\:` and `\\` are escapes).
    static func pgpassFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }

    /// The client (pool) configuration for this location.
    func clientConfiguration() throws -> PostgresClient.Configuration {
        if let dir = unixSocketDirectory {
            return PostgresClient.Configuration(
                unixSocketPath: "\(dir)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        }
        let tls: PostgresClient.Configuration.TLS
        switch try self.tls() {
        case nil: tls = .disable
        case .some((let configuration, let isOptional)):
            tls = isOptional ? .prefer(configuration) : .require(configuration)
        }
        return PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// The configuration of one direct connection (the start-up check) for this location.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if let dir = unixSocketDirectory {
            return PostgresConnection.Configuration(
                unixSocketPath: "\(dir)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS
        switch try self.tls() {
        case nil:
            tls = .disable
        case .some((let configuration, let isOptional)):
            let context: NIOSSLContext
            do {
                context = try NIOSSLContext(configuration: configuration)
            } catch {
                throw StoreError(.badLocation, "cannot set up TLS: \(error)", context: "--database \(self.redactedURL)")
            }
            tls = isOptional ? .prefer(context) : .require(context)
        }
        return PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// The TLS settings of `sslmode` (nil for `disable`) and whether TLS is optional (`prefer`).
    private func tls() throws -> (TLSConfiguration, isOptional: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let root = self.sslRootCertificate { configuration.trustRoots = .file(root) }
        switch self.sslMode {
        case .disable:
            return nil
        case .prefer:
            configuration.certificateVerification = .none
        case .require:
            configuration.certificateVerification = self.sslRootCertificate == nil ? .none : .noHostnameVerification
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
        }
        return (try Self.checked(configuration, self.redactedURL), self.sslMode == .prefer)
    }

    /// The configuration, after checking that it makes a TLS context (a bad `sslrootcert` fails here, at start).
    private static func checked(_ configuration: TLSConfiguration, _ shown: String) throws -> TLSConfiguration {
        do {
            _ = try NIOSSLContext(configuration: configuration)
            return configuration
        } catch {
            throw StoreError(.badLocation, "cannot set up TLS: \(error)", context: "--database \(shown)")
        }
    }
}
