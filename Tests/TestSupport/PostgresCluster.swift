import Foundation

/// A private PostgreSQL cluster for the test process: `initdb` in a temp dir, `pg_ctl start` on a free loopback
/// port with its unix socket in the same dir, stopped (and the dir removed) when the process exits.
///
/// As root, PostgreSQL refuses to run, so the binaries run as the `postgres` user via `runuser -u postgres --`.
/// `NETMON_TEST_POSTGRES_URL` (a `postgres://` URL of a server that lets this user create databases) replaces the
/// private cluster. Each test gets its own database from ``makeDatabase()``.
public actor PostgresCluster {
    /// Why a cluster is not available.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public static let shared = PostgresCluster()

    /// A running server, and the private cluster's directory (nil for `NETMON_TEST_POSTGRES_URL`).
    private struct Booted {
        var server: (host: String, port: Int, user: String)
        var directory: String?
    }

    private var started: Result<Booted, Unavailable>?

    /// The directory holding `initdb`, `pg_ctl` and `psql` (Debian: /usr/lib/postgresql/<major>/bin), if any.
    public static var binDirectory: String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for v in versions.sorted(by: >) where FileManager.default.isExecutableFile(atPath: "\(root)/\(v)/bin/initdb") {
            return "\(root)/\(v)/bin"
        }
        return nil
    }

    /// Whether a server can be tried at all (binaries installed or an external URL given).
    public static var isInstalled: Bool {
        ProcessInfo.processInfo.environment["NETMON_TEST_POSTGRES_URL"] != nil || binDirectory != nil
    }

    /// Creates a fresh, empty database and returns its URL (`sslmode=disable`, TCP on loopback).
    public func makeDatabase() throws(Unavailable) -> String {
        let server = try start()
        let name = "netmon_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let psql = (Self.binDirectory.map { "\($0)/psql" }) ?? "psql"
        let (status, output) = Self.run(
            [
                psql, "-h", server.host, "-p", "\(server.port)", "-U", server.user, "-d", "postgres", "-v",
                "ON_ERROR_STOP=1", "-c", "CREATE DATABASE \(name) ENCODING 'UTF8' TEMPLATE template0",
            ],
            asPostgres: false)
        guard status == 0 else { throw Unavailable(description: "CREATE DATABASE failed: \(output)") }
        return "postgres://\(server.user)@\(server.host):\(server.port)/\(name)?sslmode=disable"
    }

    /// Creates a role that must log in with `password` (SCRAM over TCP: a `pg_hba.conf` line for that role only,
    /// ahead of the cluster's `trust` lines, then a reload) and a database it owns; returns the URL without the
    /// password (`sslmode=disable`, TCP on loopback). Only on the private cluster (its configuration is ours).
    public func makePasswordDatabase(password: String) throws(Unavailable) -> String {
        let server = try start()
        guard let directory = self.directory else {
            throw Unavailable(description: "password roles need the private cluster, not NETMON_TEST_POSTGRES_URL")
        }
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let role = "netmon_pw_" + suffix
        let name = "netmon_pwdb_" + suffix
        let psql = (Self.binDirectory.map { "\($0)/psql" }) ?? "psql"
        let hba = "\(directory)/data/pg_hba.conf"
        guard let current = try? String(contentsOfFile: hba, encoding: .utf8) else {
            throw Unavailable(description: "cannot read \(hba)")
        }
        do {
            try ("host all \(role) 127.0.0.1/32 scram-sha-256\n" + current).write(
                toFile: hba, atomically: false, encoding: .utf8)
        } catch {
            throw Unavailable(description: "cannot write \(hba): \(error)")
        }
        let escaped = password.replacingOccurrences(of: "'", with: "''")
        for sql in [
            "SET password_encryption = 'scram-sha-256'; CREATE ROLE \(role) LOGIN PASSWORD '\(escaped)'",
            "CREATE DATABASE \(name) OWNER \(role) ENCODING 'UTF8' TEMPLATE template0",
            "SELECT pg_reload_conf()",
        ] {
            let (status, output) = Self.run(
                [
                    psql, "-h", server.host, "-p", "\(server.port)", "-U", server.user, "-d", "postgres", "-v",
                    "ON_ERROR_STOP=1", "-c", sql,
                ],
                asPostgres: false)
            guard status == 0 else { throw Unavailable(description: "\(sql) failed: \(output)") }
        }
        return "postgres://\(role)@\(server.host):\(server.port)/\(name)?sslmode=disable"
    }

    private var directory: String? { try? self.started?.get().directory }

    private func start() throws(Unavailable) -> (host: String, port: Int, user: String) {
        if let started { return try started.get().server }
        let result = Self.boot()
        started = result
        return try result.get().server
    }

    private static func boot() -> Result<Booted, Unavailable> {
        if ProcessInfo.processInfo.environment["NETMON_TEST_POSTGRES"] == "off" {
            return .failure(Unavailable(description: "NETMON_TEST_POSTGRES=off (scripts/test --fast)"))
        }
        if let url = ProcessInfo.processInfo.environment["NETMON_TEST_POSTGRES_URL"],
            let c = URLComponents(string: url), let host = c.host
        {
            return .success(Booted(server: (host, c.port ?? 5432, c.user ?? "postgres"), directory: nil))
        }
        guard let bin = binDirectory else {
            return .failure(Unavailable(description: "PostgreSQL binaries not found under /usr/lib/postgresql"))
        }
        cleanStale()
        let dir = "/tmp/netmon-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let isRoot = getuid() == 0
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            return .failure(Unavailable(description: "cannot create \(dir): \(error)"))
        }
        if isRoot {
            let (status, output) = run(["/bin/chown", "-R", "postgres:postgres", dir], asPostgres: false)
            if status != 0 { return .failure(Unavailable(description: "chown postgres \(dir): \(output)")) }
        }
        let user = "netmon"
        let (initStatus, initOutput) = run(
            ["\(bin)/initdb", "-D", "\(dir)/data", "-A", "trust", "-U", user, "-E", "UTF8", "--no-locale"],
            asPostgres: isRoot)
        guard initStatus == 0 else {
            try? FileManager.default.removeItem(atPath: dir)
            return .failure(Unavailable(description: "initdb failed: \(initOutput)"))
        }
        var lastError = ""
        for _ in 0..<5 {
            let port = (try? freePort()) ?? 0
            let options =
                "-p \(port) -k \(dir) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            let (status, output) = run(
                [
                    "\(bin)/pg_ctl", "-D", "\(dir)/data", "-l", "\(dir)/server.log", "-o", options, "-w", "-t", "30",
                    "start",
                ], asPostgres: isRoot)
            if status == 0 {
                stopAtExit(bin: bin, dir: dir, asPostgres: isRoot)
                return .success(Booted(server: ("127.0.0.1", port, user), directory: dir))
            }
            lastError = output + ((try? String(contentsOfFile: "\(dir)/server.log", encoding: .utf8)) ?? "")
        }
        try? FileManager.default.removeItem(atPath: dir)
        return .failure(Unavailable(description: "pg_ctl start failed: \(lastError)"))
    }

    /// Stops clusters left by test processes that no longer run (their pid is in the dir name).
    private static func cleanStale() {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for e in entries where e.hasPrefix("netmon-pg-") {
            let parts = e.split(separator: "-")
            guard parts.count >= 4, let pid = Int32(parts[2]), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let dir = "/tmp/\(e)"
            if let bin = binDirectory, FileManager.default.fileExists(atPath: "\(dir)/data/postmaster.pid") {
                _ = run(["\(bin)/pg_ctl", "-D", "\(dir)/data", "-m", "immediate", "stop"], asPostgres: getuid() == 0)
            }
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    /// Runs a command to completion; returns its exit status and combined output.
    @discardableResult
    static func run(_ argv: [String], asPostgres: Bool) -> (Int32, String) {
        let args = asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv : argv
        let result = Spawn.run(args)
        return (result.status, result.output)
    }
}

// State read by the atexit hook (a C function pointer cannot capture). Written once, before registration.
nonisolated(unsafe) private var stopCommand: [String] = []
nonisolated(unsafe) private var clusterDirectory = ""

private func stopAtExit(bin: String, dir: String, asPostgres: Bool) {
    let argv = ["\(bin)/pg_ctl", "-D", "\(dir)/data", "-m", "immediate", "-w", "stop"]
    stopCommand = asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv : argv
    clusterDirectory = dir
    atexit {
        PostgresCluster.run(stopCommand, asPostgres: false)
        try? FileManager.default.removeItem(atPath: clusterDirectory)
    }
}
