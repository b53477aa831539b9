import Foundation
import GRDB
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Issue 16, section 1, "done when": a gateway with a modem, simulated by recorded outputs behind the real command
/// names, feeds coverage end to end through the server. Executables named `mmcli` and `qmicli` in a folder put
/// first on PATH print the recorded real outputs of ModemSignalTests' fixtures; the real `netmon probe` reads them,
/// stores and forwards its reports to a real `netmon serve` (SQLite), which counts them in coverage.
@Suite(
    "gateway signal monitor end to end",
    .serialized,
    .enabled(if: NetmonBinary.built != nil, "the netmon executable is not built (run swift build first)"),
    .enabled(if: getuid() == 0, "ICMP probing of 127.0.0.1 needs root or CAP_NET_RAW"))
struct GatewaySignalEndToEndTests {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/ModemSignalTests/Fixtures").path
    static let probeToken = "gateway-signal-token-0123456789"
    static let viewerToken = "gateway-signal-viewer-0123456789"
    /// A point inside Phường Phố Hiến (11953) in the repository's boundaries file.
    static let lat = 20.6598
    static let lon = 106.0639

    /// One gateway (11953) probing loopback, its modem read through `signal`, over the real boundaries.
    static func sitesYAML(signal: String?, lat: Double = lat, lon: Double = lon) -> String {
        """
        version: 1
        province:
          name: Hưng Yên
          code: "33"
          boundaries: \(repositoryRoot.appendingPathComponent("data/boundaries/hungyen_communes_2025.geojson").path)
          require_all_communes: false
        network:
          supernet: 10.33.0.0/16
          datacenter: { name: Test, subnet: 10.33.0.0/24, hub: 10.33.0.1 }
          commune_prefix_length: 24
        defaults:
          probe: { probes: 3, step: 2s, timeout: 300ms, interval: 100ms, payload_bytes: 56 }
          thresholds:
            latency_ms: { warn: 50, critical: 150, clear: 40 }
            loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }
        communes:
          - code: "11953"
            name: Phường Phố Hiến
            subnet: 10.33.1.0/24
            gateway: 10.33.1.1
            probe_id: probe-11953
            location: { lat: \(lat), lon: \(lon) }
        \(signal.map { "    signal: \($0)\n" } ?? "")\
            targets:
              - { name: lo, address: 127.0.0.1, kind: icmp }
        coverage:
          resolution: 8
          min_samples: 1
          floors: { 3G: { metric: rscp_dbm, dbm: -110 }, 4G: { metric: rsrp_dbm, dbm: -115 }, 5G: { metric: nr_ss_rsrp_dbm, dbm: -110 } }
          targets: { 4g_every_commune: true, 5g_area_ratio: 0.60, max_dead_zones: 0 }
        alerts:
          receivers:
            - { name: hook, webhook: { url: "http://127.0.0.1:9/hook" } }
          route: { receiver: hook }

        """
    }

    /// A folder of fake modem tools: each prints a recorded output chosen by its arguments.
    static func tools(in directory: URL, _ scripts: [String: String]) throws -> String {
        let folder = directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, body) in scripts {
            let path = folder.appendingPathComponent(name).path
            try ExecutableScript.write("#!/bin/sh\n" + body, to: path)
        }
        return folder.path
    }

    /// qmicli answering as the LTE modem of libqmi's documentation samples (RSRP −89 dBm, operator 405-861).
    static var qmicli: String {
        """
        case "$*" in
          *--nas-get-signal-info*) cat '\(fixtures)/qmicli-signal-lte.txt' ;;
          *--nas-get-serving-system*) cat '\(fixtures)/qmicli-serving-system-lte.txt' ;;
          *) echo "error: unexpected arguments: $*" >&2; exit 1 ;;
        esac

        """
    }

    /// mmcli answering as the Huawei E3131 of iqrf-gateway-webapp's test: polling off until `--signal-setup`,
    /// then the GSM reading; every call is logged to `calls`.
    static func mmcli(state: String) -> String {
        """
        echo "$*" >> '\(state)/calls'
        case "$*" in
          *--signal-setup=*) touch '\(state)/polling'; echo "successfully setup signal refresh rate" ;;
          *--signal-get*) if [ -e '\(state)/polling' ]; then cat '\(fixtures)/mmcli-signal-gsm-comma-locale.json';
                          else cat '\(fixtures)/mmcli-signal-polling-off.json'; fi ;;
          *--output-json*) cat '\(fixtures)/mmcli-modem-huawei-e3131-edge.json' ;;
          *) echo "error: unexpected arguments: $*" >&2; exit 1 ;;
        esac

        """
    }

    /// A running `netmon serve` on a free loopback port, with the probe's and a viewer's token.
    struct Server {
        let child: ChildProcess
        let port: Int
        let database: String

        init(directory: URL, sites: String) async throws {
            let tokens = directory.appendingPathComponent("tokens").path
            try
                "probe probe-11953 \(GatewaySignalEndToEndTests.probeToken)\nviewer v \(GatewaySignalEndToEndTests.viewerToken)\n"
                .write(toFile: tokens, atomically: true, encoding: .utf8)
            self.port = try freePort()
            self.database = directory.appendingPathComponent("province.sqlite").path
            self.child = try ChildProcess(
                [
                    NetmonBinary.path, "serve", "--config", sites, "--database", "sqlite:\(database)", "--tokens",
                    tokens, "--no-alerts", "--listen", "127.0.0.1:\(port)",
                ], log: directory.appendingPathComponent("serve.log").path)
            let started = await child.waitForOutput(timeout: .seconds(120)) { $0.contains("127.0.0.1:\(self.port)") }
            guard started else { throw ServerError(log: child.log) }
        }

        /// GET with the viewer token, decoded as a JSON object.
        func json(_ path: String) async throws -> [String: Any] {
            var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
            request.setValue("Bearer \(GatewaySignalEndToEndTests.viewerToken)", forHTTPHeaderField: "Authorization")
            let (data, _) = try await URLSession.shared.data(for: request)
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }

        /// The reports listing's gateway count and the coverage status's, and the server's round count.
        func gatewayReports() async -> (stored: Int, inCoverage: Int) {
            guard let listing = try? await json("/api/v1/reports") else { return (0, 0) }
            let coverage = listing["coverage"] as? [String: Any]
            return (listing["gateway_reports"] as? Int ?? 0, coverage?["gateway_reports"] as? Int ?? 0)
        }

        /// The ordinals the server holds for the gateway's reports (its sequence numbers), read from its database.
        func gatewayOrdinals() throws -> [Int64] {
            let queue = try DatabaseQueue(path: database)
            return try queue.read { db in
                try Int64.fetchAll(
                    db, sql: "SELECT ordinal FROM signal_report WHERE upload_id LIKE 'gateway:%' ORDER BY ordinal")
            }
        }

        func roundCount() throws -> Int {
            let queue = try DatabaseQueue(path: database)
            return try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM probe_round") ?? 0 }
        }
    }

    struct ServerError: Error, CustomStringConvertible {
        let log: String
        var description: String { "netmon serve did not start: \(log)" }
    }

    /// `netmon probe` for 11953 against `server`, with `tools` first on PATH.
    static func probe(
        directory: URL, sites: String, server: Server, tools: String, metricsPort: Int, log: String
    ) throws -> ChildProcess {
        let tokenFile = directory.appendingPathComponent("probe-token").path
        try probeToken.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let path = tools + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin")
        return try ChildProcess.probe(
            arguments: [
                "--config", sites, "--site", "11953", "--database",
                directory.appendingPathComponent("gateway.sqlite").path,
                "--server", "http://127.0.0.1:\(server.port)", "--token-file", tokenFile, "--metrics",
                "127.0.0.1:\(metricsPort)", "--no-trim-memory",
            ], logPath: directory.appendingPathComponent(log).path, launcher: ["/usr/bin/env", "PATH=\(path)"])
    }

    /// One reading (the interval is an hour): it lands on the server, counts in coverage, and is told apart.
    @Test("a qmicli modem's readings land on the server, count in coverage for the commune, and are told apart")
    func qmicliFeedsCoverage() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sites = directory.appendingPathComponent("sites.yaml").path
        try Self.sitesYAML(signal: "{ source: qmicli, device: /dev/cdc-wdm0, interval: 1h }")
            .write(toFile: sites, atomically: true, encoding: .utf8)
        let tools = try Self.tools(in: directory, ["qmicli": Self.qmicli])
        let server = try await Server(directory: directory, sites: sites)
        defer { server.child.stop(grace: 5) }
        let probe = try Self.probe(
            directory: directory, sites: sites, server: server, tools: tools, metricsPort: try freePort(),
            log: "probe.log")
        defer { probe.stop(grace: 10) }

        #expect(
            await eventually(timeout: .seconds(60)) { await server.gatewayReports() == (1, 1) },
            "\(probe.log)\n\(server.child.log)")
        // The upload listing tells the gateway's reports apart.
        let listing = try await server.json("/api/v1/reports")
        let uploads = try #require(listing["uploads"] as? [[String: Any]])
        #expect(uploads.count == 1)
        #expect(uploads.first?["source"] as? String == "gateway:11953")
        #expect((uploads.first?["id"] as? String)?.hasPrefix("gateway:probe-11953:") == true)
        #expect(listing["reports"] as? Int == 1)
        // Coverage: the report's 4G (RSRP −89 dBm over the −115 floor) covers a cell of 11953.
        let communes = try await server.json("/api/v1/geojson/communes")
        let features = try #require(communes["features"] as? [[String: Any]])
        let properties = try #require(
            features.first { $0["id"] as? String == "11953" }?["properties"] as? [String: Any])
        let coverage = try #require(properties["coverage"] as? [String: Any])
        let fourG = try #require(coverage["4g_area_ratio"] as? Double)
        #expect(fourG > 0 && fourG < 1)
        #expect(coverage["has_4g"] as? Bool == true)
        #expect((coverage["5g_area_ratio"] as? Double) == 0)
        // The cells layer marks the one cell the gateway's report fell in: the cell around the gateway's location
        // (checked here on the cell's own polygon), judged 4G covered.
        let cells = try #require(try await server.json("/api/v1/geojson/cells")["features"] as? [[String: Any]])
        #expect(cells.allSatisfy { ($0["properties"] as? [String: Any])?["gateway"] is Bool })
        let marked = cells.filter { ($0["properties"] as? [String: Any])?["gateway"] as? Bool == true }
        #expect(marked.count == 1)
        let cell = try #require(marked.first)
        let cellProperties = try #require(cell["properties"] as? [String: Any])
        #expect(cellProperties["gateway_reports"] as? Int == 1)
        #expect(cellProperties["commune"] as? String == "11953")
        #expect(cellProperties["state_4g"] as? String == "covered")
        let ring = try #require(
            ((cell["geometry"] as? [String: Any])?["coordinates"] as? [[[Double]]])?.first)
        #expect(Self.ring(ring, contains: (Self.lon, Self.lat)))
        // The probes layer draws the gateway at its location, not at the commune's centroid.
        let probes = try await server.json("/api/v1/geojson/probes")
        let point = try #require((probes["features"] as? [[String: Any]])?.first)
        let geometry = try #require(point["geometry"] as? [String: Any])
        #expect(geometry["coordinates"] as? [Double] == [Self.lon, Self.lat])
        #expect((point["properties"] as? [String: Any])?["located"] as? String == "gateway-location")
        // Rounds flow beside the reports.
        #expect(await eventually(timeout: .seconds(30)) { ((try? server.roundCount()) ?? 0) > 0 })
        // A graceful stop leaves nothing unsent: the gateway's reports are the server's, one for one.
        #expect(probe.stop(grace: 20) == 0, "\(probe.log)")
        let gateway = try DatabaseQueue(path: directory.appendingPathComponent("gateway.sqlite").path)
        let (stored, pending) = try await gateway.read { db in
            (
                try Int64.fetchAll(db, sql: "SELECT sequence FROM signal_report ORDER BY sequence"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM signal_outbox") ?? -1
            )
        }
        #expect(pending == 0)
        #expect(try server.gatewayOrdinals() == stored)
    }

    @Test("SIGHUP: a new location applies with a reading at once; a removed signal block pauses; one put back resumes")
    func reloadAppliesSignalSettings() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sites = directory.appendingPathComponent("sites.yaml").path
        // An hour between readings: any second reading within the test comes from a reload.
        let signal = "{ source: qmicli, device: /dev/cdc-wdm0, interval: 1h }"
        try Self.sitesYAML(signal: signal).write(toFile: sites, atomically: true, encoding: .utf8)
        let tools = try Self.tools(in: directory, ["qmicli": Self.qmicli])
        let path = tools + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin")
        let database = directory.appendingPathComponent("gateway.sqlite").path
        let probe = try ChildProcess.probe(
            arguments: [
                "--config", sites, "--site", "11953", "--database", database, "--metrics", "off", "--no-trim-memory",
            ], logPath: directory.appendingPathComponent("probe.log").path, launcher: ["/usr/bin/env", "PATH=\(path)"])
        defer { probe.stop(grace: 10) }
        func positions() -> [[Double]] {
            guard let queue = try? DatabaseQueue(path: database),
                let payloads = try? queue.read({ db in
                    try String.fetchAll(db, sql: "SELECT payload FROM signal_report ORDER BY sequence")
                })
            else { return [] }
            return payloads.compactMap { text in
                guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                    let lat = object["lat"] as? Double, let lon = object["lon"] as? Double
                else { return nil }
                return [lat, lon]
            }
        }
        #expect(await eventually(timeout: .seconds(30)) { positions() == [[Self.lat, Self.lon]] }, "\(probe.log)")

        // A corrected location (another point of the same commune): a reading placed there follows the reload.
        let moved = (lat: 20.6465, lon: 106.0512)
        try Self.sitesYAML(signal: signal, lat: moved.lat, lon: moved.lon)
            .write(toFile: sites, atomically: true, encoding: .utf8)
        probe.signal(SIGHUP)
        #expect(
            await eventually(timeout: .seconds(20)) {
                positions() == [[Self.lat, Self.lon], [moved.lat, moved.lon]]
            }, "\(positions()) \(probe.log)")
        #expect(probe.log.contains("SIGHUP: signal monitor settings applied"))

        // The block removed: the monitor pauses (no reading), probing goes on.
        try Self.sitesYAML(signal: nil, lat: moved.lat, lon: moved.lon)
            .write(toFile: sites, atomically: true, encoding: .utf8)
        probe.signal(SIGHUP)
        #expect(await eventually(timeout: .seconds(20)) { probe.log.contains("the signal monitor pauses") })
        try await Task.sleep(for: .seconds(3))
        #expect(positions().count == 2)
        #expect(probe.isRunning)

        // Put back: it resumes with a reading at once.
        try Self.sitesYAML(signal: signal, lat: moved.lat, lon: moved.lon)
            .write(toFile: sites, atomically: true, encoding: .utf8)
        probe.signal(SIGHUP)
        #expect(await eventually(timeout: .seconds(20)) { positions().count == 3 }, "\(probe.log)")
        #expect(probe.stop(grace: 20) == 0, "\(probe.log)")
    }

    /// Whether a GeoJSON ring ([lon, lat] pairs) holds a point (even-odd rule; the test's own computation).
    static func ring(_ ring: [[Double]], contains point: (lon: Double, lat: Double)) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in ring.indices {
            let (xi, yi, xj, yj) = (ring[i][0], ring[i][1], ring[j][0], ring[j][1])
            if (yi > point.lat) != (yj > point.lat), point.lon < (xj - xi) * (point.lat - yi) / (yj - yi) + xi {
                inside.toggle()
            }
            j = i
        }
        return inside
    }

    @Test("a missing modem tool is counted and logged once; rounds go on")
    func missingToolIsCounted() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sites = directory.appendingPathComponent("sites.yaml").path
        try Self.sitesYAML(signal: "{ source: qmicli, device: /dev/cdc-wdm0, interval: 10s }")
            .write(toFile: sites, atomically: true, encoding: .utf8)
        // No qmicli anywhere on PATH: an empty tools folder and the system's folders (which hold none here).
        let tools = try Self.tools(in: directory, [:])
        try #require(
            !["/usr/bin/qmicli", "/usr/sbin/qmicli", "/bin/qmicli", "/usr/local/bin/qmicli"].contains {
                FileManager.default.fileExists(atPath: $0)
            }, "this machine has a real qmicli")
        let server = try await Server(directory: directory, sites: sites)
        defer { server.child.stop(grace: 5) }
        let metricsPort = try freePort()
        let probe = try Self.probe(
            directory: directory, sites: sites, server: server, tools: tools, metricsPort: metricsPort,
            log: "probe.log")
        defer { probe.stop(grace: 10) }
        let failures =
            "netmon_modem_read_failures_total{commune=\"11953\",source=\"qmicli\",reason=\"unavailable\"} "
        func failureCount() async -> Int? {
            guard let (text, _) = try? await httpGet("http://127.0.0.1:\(metricsPort)/metrics"),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix(failures) })
            else { return nil }
            return Int(line.dropFirst(failures.count))
        }
        // Two intervals: two failures counted, one warning in the log.
        #expect(await eventually(timeout: .seconds(40)) { (await failureCount() ?? 0) >= 2 }, "\(probe.log)")
        #expect(probe.log.components(separatedBy: "cannot read the modem's signal").count == 2, "\(probe.log)")
        #expect(probe.isRunning)
        #expect(await eventually(timeout: .seconds(30)) { ((try? server.roundCount()) ?? 0) > 0 })
        #expect(await server.gatewayReports().stored == 0)
    }

    @Test("kill -9 while reading and forwarding: no report lost or duplicated (mmcli, polling set up once)")
    func killedProbeLosesNothing() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sites = directory.appendingPathComponent("sites.yaml").path
        try Self.sitesYAML(signal: "{ source: mmcli, device: 0, interval: 10s }")
            .write(toFile: sites, atomically: true, encoding: .utf8)
        let tools = try Self.tools(in: directory, ["mmcli": Self.mmcli(state: directory.path)])
        let server = try await Server(directory: directory, sites: sites)
        defer { server.child.stop(grace: 5) }
        // Each run reads the modem as it starts; kill it at a random moment of its first seconds, four times.
        var generator = SystemRandomNumberGenerator()
        for run in 0..<4 {
            let probe = try Self.probe(
                directory: directory, sites: sites, server: server, tools: tools, metricsPort: try freePort(),
                log: "run\(run).log")
            try await Task.sleep(for: .seconds(Double.random(in: 0.8...2.5, using: &generator)))
            #expect(probe.isRunning, "run \(run) died on its own: \(probe.log)")
            probe.signal(SIGKILL)
            _ = await probe.waitForExit(timeout: .seconds(10))
        }
        let last = try Self.probe(
            directory: directory, sites: sites, server: server, tools: tools, metricsPort: try freePort(),
            log: "last.log")
        try await Task.sleep(for: .seconds(3))
        #expect(last.stop(grace: 20) == 0, "\(last.log)")

        let gateway = try DatabaseQueue(path: directory.appendingPathComponent("gateway.sqlite").path)
        let (sequences, pending, technologies) = try await gateway.read { db in
            (
                try Int64.fetchAll(db, sql: "SELECT sequence FROM signal_report ORDER BY sequence"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM signal_outbox") ?? -1,
                Set(try String.fetchAll(db, sql: "SELECT technology FROM signal_report"))
            )
        }
        let n = Int64(sequences.count)
        #expect(n >= 1)
        #expect(sequences == Array(1...max(n, 1)))
        #expect(pending == 0)
        // The server holds every report once: its ordinals are the gateway's numbers, no gap, no repeat.
        #expect(try server.gatewayOrdinals() == sequences)
        #expect(technologies == ["2G"])
        // ModemManager's polling was switched on once (by the first run; later runs found it on).
        let calls = try String(contentsOfFile: directory.appendingPathComponent("calls").path, encoding: .utf8)
        #expect(calls.components(separatedBy: "--signal-setup=10").count == 2, "\(calls)")
    }
}
