import Foundation
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonServer
import TestSupport
import Testing

/// Headless Chromium (Debian's) against a live server with data: no console errors, the page finishes loading,
/// and the screenshot shows communes coloured by link health.
///
/// Serialized: `runChromium` waits for the browser on the calling thread, and the server under test answers on the
/// same cooperative pool (two processors here: two browsers waiting at once would leave the servers no thread).
@Suite("Dashboard in a real browser", .serialized)
struct BrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(
        "the dashboard loads without console errors and the map has coloured communes",
        .enabled(if: chromium != nil, "Chromium is not installed (Debian package chromium)"),
        .enabled(
            if: FileManager.default.fileExists(atPath: "/usr/share/javascript/leaflet/leaflet.js"),
            "Leaflet is not installed (Debian package libjs-leaflet)"))
    func dashboardInChromium() async throws {
        try await withServer(testing: .live) { client, store in
            try await seed(store)
            let port = try #require(client.port)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "netmon-browser-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let url = "http://127.0.0.1:\(port)/#token=\(Fixture.viewerSecret)"
            let shot = dir.appendingPathComponent("dashboard.png").path

            let dom = try runChromium(["--dump-dom", url], profile: dir.appendingPathComponent("p1").path)
            let shotRun = try runChromium(
                ["--screenshot=\(shot)", url], profile: dir.appendingPathComponent("p2").path)

            #expect(consoleErrors([dom, shotRun]).isEmpty, "\(consoleErrors([dom, shotRun]).joined(separator: "\n"))")
            #expect(dom.stdout.contains("data-loaded=\"true\""), "the page did not finish loading its data")
            #expect(dom.stdout.contains("netmon — Hưng Yên"), "the Vietnamese title is missing or garbled")
            #expect(dom.stdout.contains("leaflet-interactive"), "no map features were drawn")

            let png = try Data(contentsOf: URL(fileURLWithPath: shot))
            try? png.write(to: Fixture.repoRoot.appendingPathComponent(".build/dashboard-test.png"))
            let counts = try pixelClasses(pngPath: shot)
            // Health fills at 75 % opacity over the map background: 1 healthy, 1 critical, 1 warn, 1 silent,
            // 100 never heard (grey).
            #expect(counts["green", default: 0] > 300, "healthy commune not drawn green: \(counts)")
            #expect(counts["red", default: 0] > 300, "critical commune not drawn red: \(counts)")
            #expect(counts["grey", default: 0] > 20_000, "unknown communes not drawn grey: \(counts)")
        }
    }

    @Test(
        "coverage mode: communes measured too little are hatched, not red; the legend and the detail say so",
        .enabled(if: chromium != nil, "Chromium is not installed (Debian package chromium)"),
        .enabled(
            if: FileManager.default.fileExists(atPath: "/usr/share/javascript/leaflet/leaflet.js"),
            "Leaflet is not installed (Debian package libjs-leaflet)"))
    func coverageModeInChromium() async throws {
        let (csv, rows, _, _, communes) = try CoverageFixture.oneCommuneMeasured()
        var configuration = Fixture.configuration()
        configuration.coverageDebounce = .milliseconds(50)
        let (store, cleanup) = try Fixture.sqliteStore()
        defer { cleanup() }
        let listener = UpdateCollector()
        try await withCoverageServer(configuration, store: store, listener: listener) { client in
            let reply = try await client.execute(
                uri: "/api/v1/reports?format=csv", method: .post,
                headers: CoverageFixture.adminHeaders(contentType: "text/csv"), body: ByteBuffer(string: csv))
            #expect(reply.status == .created, "\(reply.text)")
            _ = try await listener.wait(reports: rows)
            let port = try #require(client.port)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "netmon-browser-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let url = "http://127.0.0.1:\(port)/#token=\(Fixture.viewerSecret)&mode=coverage"
            let shot = dir.appendingPathComponent("coverage.png").path
            // The browser is waited for off the cooperative pool, which the server under test answers on.
            let profiles = (dir.appendingPathComponent("p1").path, dir.appendingPathComponent("p2").path)
            let (dom, shotRun) = try await offPool {
                (
                    try self.runChromium(["--dump-dom", url], profile: profiles.0),
                    try self.runChromium(["--screenshot=\(shot)", url], profile: profiles.1)
                )
            }
            #expect(consoleErrors([dom, shotRun]).isEmpty, "\(consoleErrors([dom, shotRun]).joined(separator: "\n"))")
            #expect(dom.stdout.contains("data-loaded=\"true\""), "the page did not finish loading its data")
            #expect(dom.stdout.contains("Not measured enough (less than 30% of the area measured)"))
            #expect(
                dom.stdout.contains("Communes not measured enough (&lt; 30% of area): \(communes - 1) / \(communes)"))
            #expect(dom.stdout.contains("Speed 4G (≥ 5/1 Mbit/s)"))
            let hatched = dom.stdout.components(separatedBy: "fill=\"url(#hatch-unmeasured)\"").count - 1
            #expect(hatched == communes - 1, "communes drawn hatched: \(hatched)")

            let counts = try pixelClasses(pngPath: shot)
            // One commune measured with 4G (light green), the others hatched grey; before, every commune without
            // 4G was drawn red as if below target.
            #expect(counts["green", default: 0] > 300, "the measured commune is not green: \(counts)")
            // Red on the page otherwise: the province trend graph's "4G in every commune: not met" strip and its
            // dead-zone limit line (about 1,100 pixels); 103 communes drawn red would be two orders of magnitude more.
            #expect(counts["red", default: 0] < 5_000, "unmeasured communes drawn red: \(counts)")
            #expect(counts["grey", default: 0] > 20_000, "unmeasured communes not hatched: \(counts)")
        }
    }

    /// The browser console's error lines of the runs (uncaught exceptions, the page's own `netmon:` messages,
    /// failed loads).
    func consoleErrors(_ runs: [Run]) -> [String] {
        runs.flatMap { run in
            run.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.filter {
                $0.contains("Uncaught") || $0.contains("netmon:") || $0.contains("Error") || $0.contains("Failed")
            }.map(String.init)
        }
    }

    struct Run: Sendable {
        var stdout: String
        var stderr: String
    }

    func runChromium(_ extra: [String], profile: String) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.chromium!)
        p.arguments =
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                "--window-size=1280,900", "--virtual-time-budget=15000", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=\(profile)",
            ] + extra
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Read both pipes concurrently so neither fills up.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readToEndRetryingInterrupts() }
        reader.start()
        let outData = out.fileHandleForReading.readToEndRetryingInterrupts()
        p.waitUntilExit()
        while !reader.isFinished { usleep(10_000) }
        return Run(stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Classifies the screenshot's pixels with a small PNG decoder (Python's standard zlib; no imaging library).
    func pixelClasses(pngPath: String) throws -> [String: Int] {
        let script = #"""
            import sys, zlib, struct, json
            data = open(sys.argv[1], "rb").read()
            assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
            pos, idat, w, h, ct = 8, b"", 0, 0, 0
            while pos < len(data):
                n, = struct.unpack(">I", data[pos:pos+4]); kind = data[pos+4:pos+8]; body = data[pos+8:pos+8+n]
                if kind == b"IHDR":
                    w, h, bd, ct, _, _, il = struct.unpack(">IIBBBBB", body[:13]); assert bd == 8 and il == 0 and ct in (2, 6)
                elif kind == b"IDAT": idat += body
                pos += 12 + n
            bpp = 3 if ct == 2 else 4; stride = w * bpp; raw = zlib.decompress(idat)
            prev = bytearray(stride); counts = {}
            for y in range(h):
                f = raw[y*(stride+1)]; line = bytearray(raw[y*(stride+1)+1:(y+1)*(stride+1)])
                for i in range(stride):
                    a = line[i-bpp] if i >= bpp else 0; b = prev[i]; c = prev[i-bpp] if i >= bpp else 0
                    if f == 1: line[i] = (line[i] + a) & 255
                    elif f == 2: line[i] = (line[i] + b) & 255
                    elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                    elif f == 4:
                        p = a + b - c; pa, pb, pc = abs(p-a), abs(p-b), abs(p-c)
                        line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                for x in range(0, stride, bpp):
                    r, g, bl = line[x], line[x+1], line[x+2]
                    k = "green" if g > r + 40 and g > bl + 20 else "red" if r > g + 80 and r > bl + 80 else \
                        "grey" if abs(r-g) < 6 and abs(g-bl) < 6 and 150 < r < 215 else "other"
                    counts[k] = counts.get(k, 0) + 1
                prev = line
            print(json.dumps(counts))
            """#
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, pngPath]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readToEndRetryingInterrupts()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        return try JSONDecoder().decode([String: Int].self, from: data)
    }
}
