import Foundation
import MeasurementStore
import TestSupport
import Testing

/// `--database` for PostgreSQL: sslmode defaults and values, where the password comes from, and that no message
/// shows it; the password sources against a real PostgreSQL role that must authenticate (SCRAM).
@Suite("PostgreSQL location: sslmode, password sources, redaction")
struct PostgresLocationTests {
    func postgres(
        _ text: String, passwordFile: String? = nil, environment: [String: String] = [:]
    ) throws -> PostgresLocation {
        guard
            case .postgres(let location) = try StoreLocation(
                parsing: text, passwordFile: passwordFile, environment: environment)
        else { throw StoreError(.badLocation, "not a postgres location", context: text) }
        return location
    }

    @Test("every parse error shows the URL with the password replaced by ***")
    func errorsRedactThePassword() {
        let bad = [
            "postgres://netmon:hunter2@db.example/netmon?sslmode=maybe",
            "postgres://netmon:hunter2@db.example/",
            "postgres://:hunter2@db.example/netmon",
            "postgres://netmon:hunter2@db.example/netmon?password=hunter2",
            "postgres://netmon:hunter2@db.example/netmon?sslrootcert=/nonexistent/ca.pem",
            "postgres://netmon:hunter2@db.example:70000/netmon",
            "postgres://netmon:hunter2@db example/netmon",
            "mysql://netmon:hunter2@db.example/netmon",
        ]
        for text in bad {
            do {
                _ = try StoreLocation(parsing: text, environment: [:])
                Issue.record("accepted \(text)")
            } catch {
                let message = "\(error)"
                #expect(!message.contains("hunter2"), "\(message)")
            }
        }
        #expect(
            PostgresLocation.redacted("postgres://netmon:hunter2@db.example:5432/netmon")
                == "postgres://netmon:***@db.example:5432/netmon")
        #expect(
            PostgresLocation.redacted("postgres://netmon@db.example/netmon") == "postgres://netmon@db.example/netmon")
        #expect(PostgresLocation.redacted("postgres://u:p@ss:w@rd@h/d") == "postgres://u:***@h/d")
    }

    @Test("a parsed location prints without its password")
    func descriptionIsRedacted() throws {
        let location = try self.postgres("postgres://netmon:hunter2@db.example/netmon?sslmode=verify-full")
        #expect(location.password == "hunter2")
        #expect("\(location)" == "postgres://netmon:***@db.example:5432/netmon?sslmode=verify-full")
        #expect(!"\(StoreLocation.postgres(location))".contains("hunter2"))
        #expect(!String(reflecting: location).contains("hunter2"))
    }

    @Test("sslmode: prefer on loopback and unix sockets, require elsewhere; libpq's values; sslrootcert")
    func sslModes() throws {
        #expect(try self.postgres("postgres://u@127.0.0.1/d").sslMode == .prefer)
        #expect(try self.postgres("postgres://u@127.3.2.1/d").sslMode == .prefer)
        #expect(try self.postgres("postgres://u@localhost/d").sslMode == .prefer)
        #expect(try self.postgres("postgres://u@[::1]:5433/d").sslMode == .prefer)
        #expect(try self.postgres("postgres://u@/d?host=/run/postgresql").sslMode == .prefer)
        #expect(try self.postgres("postgres://u@db.example/d").sslMode == .require)
        #expect(try self.postgres("postgres://u@10.0.0.5/d").sslMode == .require)
        #expect(try self.postgres("postgres://u@127.0.0.1.example/d").sslMode == .require)
        for mode in PostgresLocation.SSLMode.allCases {
            #expect(try self.postgres("postgres://u@db.example/d?sslmode=\(mode.rawValue)").sslMode == mode)
        }
        do {
            _ = try self.postgres("postgres://u@db.example/d?sslmode=allow")
            Issue.record("sslmode=allow accepted")
        } catch {
            #expect("\(error)".contains("disable, prefer, require, verify-ca, verify-full"), "\(error)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-pgloc-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = directory.appendingPathComponent("ca.pem").path
        try "not a certificate".write(toFile: ca, atomically: true, encoding: .utf8)
        let location = try self.postgres("postgres://u@db.example/d?sslmode=verify-full&sslrootcert=\(ca)")
        #expect(location.sslRootCertificate == ca)
        // A root file that is not PEM fails when the store is opened, not at the first connection.
        #expect(throws: StoreError.self) { try StoreLocation.postgres(location).open() }
        #expect(try self.postgres("postgres://u@db.example/d?sslrootcert=system").sslRootCertificate == nil)
    }

    @Test("the password: URL, then --database-password-file, then PGPASSWORD, then the pgpass file")
    func passwordSources() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-pgpass-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("password").path
        try "from-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        let pgpass = directory.appendingPathComponent("pgpass").path
        try """
        # host:port:database:user:password
        other.example:5432:*:u:wrong
        db.example:5432:d:u:from\\:pgpass
        *:*:*:*:fallback

        """.write(toFile: pgpass, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: pgpass)
        let environment = ["PGPASSWORD": "from-env", "PGPASSFILE": pgpass]
        #expect(try self.postgres("postgres://u:in-url@db.example/d", passwordFile: file).password == "in-url")
        #expect(
            try self.postgres("postgres://u@db.example/d", passwordFile: file, environment: environment).password
                == "from-file")
        #expect(try self.postgres("postgres://u@db.example/d", environment: environment).password == "from-env")
        #expect(
            try self.postgres("postgres://u@db.example/d", environment: ["PGPASSFILE": pgpass]).password
                == "from:pgpass")
        #expect(
            try self.postgres("postgres://u@db.example:6000/d", environment: ["PGPASSFILE": pgpass]).password
                == "fallback")
        #expect(try self.postgres("postgres://u@db.example/d").password == nil)
        // As libpq: a pgpass file others can read is not used (here: refused with the reason).
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: pgpass)
        #expect(throws: StoreError.self) {
            try self.postgres("postgres://u@db.example/d", environment: ["PGPASSFILE": pgpass])
        }
        #expect(throws: StoreError.self) {
            try self.postgres("postgres://u@db.example/d", passwordFile: directory.appendingPathComponent("none").path)
        }
    }

    /// Opens and migrates a store at `location` (bounded by 20 s); the error's text, if any.
    func migrate(_ location: StoreLocation) async -> String? {
        let store: any ProvinceStore
        do {
            store = try location.open()
        } catch {
            return "\(error)"
        }
        enum Outcome: Sendable {
            case running
            case finished(String?)
        }
        return await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                try? await store.run()
                return .running
            }
            group.addTask {
                do {
                    try await store.migrate()
                    return .finished(nil)
                } catch {
                    return .finished("\(error)")
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(20))
                return .finished("no answer within 20 s")
            }
            var result: String? = "no outcome"
            for await outcome in group {
                if case .finished(let text) = outcome {
                    result = text
                    break
                }
            }
            group.cancelAll()
            return result
        }
    }

    @Test(
        "a role that must authenticate: password file and PGPASSWORD work, a wrong one is refused without echoing it",
        .enabled(if: PostgresCluster.isInstalled, "needs PostgreSQL (initdb) or NETMON_TEST_POSTGRES_URL"))
    func passwordAgainstPostgres() async throws {
        let password = "s3cr:et'pw"
        let url: String
        do {
            url = try await PostgresCluster.shared.makePasswordDatabase(password: password)
        } catch {
            try Test.cancel("PostgreSQL with a password role is not available: \(error)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-pgpw-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("password").path
        try (password + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let wrongFile = directory.appendingPathComponent("wrong").path
        try "not-the-password-42\n".write(toFile: wrongFile, atomically: true, encoding: .utf8)

        let error = await self.migrate(try StoreLocation(parsing: url, passwordFile: file, environment: [:]))
        #expect(error == nil, "\(String(describing: error))")
        let viaEnvironment = await self.migrate(
            try StoreLocation(parsing: url, environment: ["PGPASSWORD": password]))
        #expect(viaEnvironment == nil, "\(String(describing: viaEnvironment))")
        // The role really needs its password: none, or a wrong one, is refused.
        let missing = await self.migrate(try StoreLocation(parsing: url, environment: [:]))
        #expect(missing != nil)
        let wrong = await self.migrate(try StoreLocation(parsing: url, passwordFile: wrongFile, environment: [:]))
        // At once, with the server's reason (the pool alone would retry for ever), and without the password.
        #expect(wrong?.contains("password authentication failed") == true, "\(wrong ?? "")")
        #expect(wrong?.contains("not-the-password-42") == false, "\(wrong ?? "")")
        #expect(missing?.contains("no answer") == false, "\(missing ?? "")")
        // sslmode=require is enforced: the test server has no TLS, so the connection is refused.
        let require = await self.migrate(
            try StoreLocation(
                parsing: url.replacingOccurrences(of: "sslmode=disable", with: "sslmode=require"), passwordFile: file,
                environment: [:]))
        #expect(require != nil)
        #expect(require?.contains("no answer") == false, "\(require ?? "")")
    }
}
