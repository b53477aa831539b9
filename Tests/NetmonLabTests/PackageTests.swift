import Foundation
import TestSupport
import Testing

/// The Debian packages of `scripts/package`: lintian without errors, then really installed on this machine with
/// dpkg, run, removed (only the conffile stays) and purged (nothing stays). Slow to build (release builds), so it
/// runs only when the packages of this version are in dist/ or NETMON_PACKAGE_TEST=1 asks for them to be built.
@Suite(
    "Debian packages (scripts/package)",
    .serialized,
    .enabled(
        if: PackageFiles.wanted,
        "runs when dist/ holds this version's packages (scripts/package) or NETMON_PACKAGE_TEST=1"),
    .enabled(if: Privileges.isRoot, "installs packages with dpkg: needs root"))
struct PackageTests {
    @Test("lintian finds no error; control fields say the version and Debian's own dependencies")
    func lintian() throws {
        let packages = try PackageFiles.built()
        try #require(Shell.hasProgram("lintian"), "needs lintian (apt-get install lintian)")
        for deb in [packages.gateway, packages.netmon] {
            let output = try Shell.run(["lintian", "--fail-on", "error", deb], check: false)
            #expect(output.status == 0, "lintian \(deb):\n\(output.stdout)\(output.stderr)")
            #expect(!output.stdout.contains("E: "), "\(output.stdout)")
            let version = try Shell.run(["dpkg-deb", "-f", deb, "Version"]).stdout
            #expect(version.trimmingCharacters(in: .whitespacesAndNewlines) == PackageFiles.version)
            let depends = try Shell.run(["dpkg-deb", "-f", deb, "Depends"]).stdout
            for library in ["libc6", "libsqlite3-0", "libpcap0.8"] {
                #expect(depends.contains(library), "\(deb) Depends: \(depends)")
            }
            #expect(!depends.contains("swift"), "\(deb) Depends: \(depends)")
        }
        let netmonDepends = try Shell.run(["dpkg-deb", "-f", packages.netmon, "Depends"]).stdout
        #expect(netmonDepends.contains("libjs-leaflet"))
        // No path in both packages: they install side by side.
        let gatewayFiles = Set(try PackageFiles.contents(packages.gateway).filter { !$0.hasSuffix("/") })
        let netmonFiles = Set(try PackageFiles.contents(packages.netmon).filter { !$0.hasSuffix("/") })
        #expect(gatewayFiles.intersection(netmonFiles).isEmpty)
        #expect(gatewayFiles.contains("./etc/netmon/sites.yaml"))
        #expect(gatewayFiles.contains("./lib/systemd/system/netmon-probe.service"))
        #expect(netmonFiles.contains("./lib/systemd/system/netmon-serve.service"))
    }

    @Test(
        "dpkg -i installs both; the binaries run with Debian's libraries only; dpkg -r keeps the conffile, -P nothing")
    func installRunRemove() throws {
        let packages = try PackageFiles.built()
        for name in ["netmon-gateway", "netmon"] {
            let status = try Shell.run(["dpkg-query", "-W", "-f", "${Status}", name], check: false)
            if status.status == 0 && !status.stdout.contains("not-installed") {
                try Test.cancel("\(name) is already installed on this machine (\(status.stdout)): left alone")
            }
        }
        let hadEtcNetmon = FileManager.default.fileExists(atPath: "/etc/netmon")
        defer { _ = try? Shell.run(["dpkg", "--purge", "netmon-gateway", "netmon"], check: false) }
        try Shell.run(["dpkg", "-i", packages.gateway, packages.netmon])

        // The gateway: no Swift library, every library found, its version, the shipped sites.yaml valid.
        let ldd = try Shell.run(["ldd", "/usr/bin/netmon-gateway"]).stdout
        #expect(!ldd.contains("libswift"), "\(ldd)")
        #expect(!ldd.contains("not found"), "\(ldd)")
        let version = try Shell.run(["/usr/bin/netmon-gateway", "--version"]).stdout
        #expect(version.trimmingCharacters(in: .whitespacesAndNewlines) == PackageFiles.version)
        let check = try Shell.run(["/usr/bin/netmon-gateway", "check", "/etc/netmon/sites.yaml"], check: false)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let unit = try String(contentsOfFile: "/lib/systemd/system/netmon-probe.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/bin/netmon-gateway probe"))
        #expect(!unit.contains("/usr/local/bin"))

        // The server: the same, with its example sites.yaml and the dashboard's Leaflet where serve looks.
        let serverLdd = try Shell.run(["ldd", "/usr/bin/netmon"]).stdout
        #expect(!serverLdd.contains("libswift"), "\(serverLdd)")
        #expect(!serverLdd.contains("not found"), "\(serverLdd)")
        let serverVersion = try Shell.run(["/usr/bin/netmon", "--version"]).stdout
        #expect(serverVersion.trimmingCharacters(in: .whitespacesAndNewlines) == PackageFiles.version)
        let serverCheck = try Shell.run(["/usr/bin/netmon", "check", "/usr/share/netmon/sites.yaml"], check: false)
        #expect(serverCheck.status == 0, "\(serverCheck.stdout)\(serverCheck.stderr)")
        #expect(FileManager.default.fileExists(atPath: "/usr/share/javascript/leaflet/leaflet.js"))
        // The installed server answers on loopback and serves the dashboard's Leaflet from libjs-leaflet.
        let scratch = NSTemporaryDirectory() + "netmon-package-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let port = try freePort()
        let server = try ChildProcess([
            "/usr/bin/netmon", "serve", "--config", "/usr/share/netmon/sites.yaml", "--no-alerts", "--public-dashboard",
            "--database", "sqlite:\(scratch)/netmon.sqlite", "--listen", "127.0.0.1:\(port)",
        ])
        defer { server.stop() }
        var leaflet: CommandOutput? = nil
        for _ in 0..<150 where leaflet?.status != 0 {
            Thread.sleep(forTimeInterval: 0.2)
            leaflet = try Shell.run(
                ["curl", "-sf", "http://127.0.0.1:\(port)/static/leaflet/leaflet.js"], check: false)
        }
        #expect(leaflet?.status == 0, "no Leaflet from the installed server:\n\(server.stderr)")
        #expect(leaflet?.stdout.contains("Leaflet") == true)
        server.stop()
        let serveUnit = try String(contentsOfFile: "/lib/systemd/system/netmon-serve.service", encoding: .utf8)
        #expect(serveUnit.contains("ExecStart=/usr/bin/netmon serve"))

        // Remove: everything but the conffile goes.
        try Shell.run(["dpkg", "-r", "netmon-gateway", "netmon"])
        for path in [
            "/usr/bin/netmon-gateway", "/usr/bin/netmon", "/lib/systemd/system/netmon-probe.service",
            "/lib/systemd/system/netmon-serve.service", "/usr/share/netmon-gateway", "/usr/share/netmon",
            "/usr/share/doc/netmon-gateway", "/usr/share/doc/netmon",
        ] {
            #expect(!FileManager.default.fileExists(atPath: path), "\(path) left after dpkg -r")
        }
        #expect(FileManager.default.fileExists(atPath: "/etc/netmon/sites.yaml"))
        let removed = try Shell.run(["dpkg-query", "-W", "-f", "${Status}", "netmon-gateway"]).stdout
        #expect(removed == "deinstall ok config-files")

        // Purge: nothing.
        try Shell.run(["dpkg", "--purge", "netmon-gateway", "netmon"])
        #expect(!FileManager.default.fileExists(atPath: "/etc/netmon/sites.yaml"))
        if !hadEtcNetmon { #expect(!FileManager.default.fileExists(atPath: "/etc/netmon")) }
        for name in ["netmon-gateway", "netmon"] {
            let gone = try Shell.run(["dpkg-query", "-W", "-f", "${Status}", name], check: false)
            #expect(gone.status != 0 || gone.stdout.contains("not-installed"), "\(name): \(gone.stdout)")
        }
    }
}

/// Where the packages are and which version they must carry.
enum PackageFiles {
    /// NetmonVersion.current, read from its source file (what `--version` prints).
    static var version: String {
        let source =
            (try? String(
                contentsOf: RepositoryData.root.appendingPathComponent("Sources/NetmonProtocol/NetmonVersion.swift"),
                encoding: .utf8)) ?? ""
        return source.firstMatch(of: /current = "([^"]+)"/).map { String($0.output.1) } ?? "unknown"
    }

    static var dist: String { RepositoryData.root.appendingPathComponent("dist").path }
    static var gateway: String { "\(dist)/netmon-gateway_\(version)_amd64.deb" }
    static var netmon: String { "\(dist)/netmon_\(version)_amd64.deb" }

    static var requested: Bool { ProcessInfo.processInfo.environment["NETMON_PACKAGE_TEST"] == "1" }
    static var present: Bool {
        FileManager.default.fileExists(atPath: gateway) && FileManager.default.fileExists(atPath: netmon)
    }
    static var wanted: Bool { requested || present }

    /// The two packages, built by scripts/package first when asked for and missing.
    static func built() throws -> (gateway: String, netmon: String) {
        if !present {
            try Shell.run([RepositoryData.root.appendingPathComponent("scripts/package").path, dist])
        }
        return (gateway, netmon)
    }

    /// The paths a package holds (`./usr/bin/…`; folders end with a slash).
    static func contents(_ deb: String) throws -> [String] {
        try Shell.run(["dpkg-deb", "-c", deb]).stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init)
        }
    }
}
