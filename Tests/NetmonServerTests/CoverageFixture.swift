import CoverageModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonProtocol
import NetmonServer
import Synchronization
import TestSupport
import Testing

/// Collects the coverage updates the server announces, for tests to wait on (by polling with async sleeps).
final class UpdateCollector: CoverageListener {
    private let updates = Mutex<[CoverageUpdate]>([])

    func coverageUpdated(_ update: CoverageUpdate) async { updates.withLock { $0.append(update) } }

    var all: [CoverageUpdate] { updates.withLock { $0 } }

    /// Waits until at least `count` updates arrived; the newest.
    func wait(for count: Int, timeout: Double = 45) async throws -> CoverageUpdate {
        try await wait(timeout: timeout, "update #\(count)") { all in all.count >= count ? all.last : nil }
    }

    /// Waits for an update computed over `reports` reports.
    func wait(reports: Int, timeout: Double = 45) async throws -> CoverageUpdate {
        try await wait(timeout: timeout, "an update over \(reports) reports") { all in
            all.last { $0.reports == reports }
        }
    }

    private func wait(
        timeout: Double, _ what: String, _ match: ([CoverageUpdate]) -> CoverageUpdate?
    ) async throws -> CoverageUpdate {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            if let u = updates.withLock({ match($0) }) { return u }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ChildProcessError(message: "no coverage \(what) within \(timeout) s (have \(all.map(\.reports)))")
    }
}

/// Stores for server tests: a fresh SQLite file or a fresh database on the suite's private PostgreSQL.
enum ServerBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }

    /// Opens stores on one fresh database (each call a new connection to the same data; not migrated: the
    /// application does it), and the cleanup.
    func makeStores() async throws -> (@Sendable () throws -> any ProvinceStore, @Sendable () -> Void) {
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "netmon-server-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("p.sqlite").path
            return ({ try SQLiteProvinceStore(path: path) }, { try? FileManager.default.removeItem(at: dir) })
        case .postgres:
            let url: String
            do {
                url = try await PostgresCluster.shared.makeDatabase()
            } catch {
                try Test.cancel("PostgreSQL could not be started: \(error)")
            }
            return ({ try StoreLocation(parsing: url).open() }, {})
        }
    }
}

/// Runs heavy synchronous work (the model run directly, the simulator) on a thread of its own and waits for it
/// asynchronously, so that tests running in parallel never starve Swift's cooperative pool (and the servers on it).
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

enum CoverageFixture {
    /// The real Cork drive test (shared reference data: tests that read it skip without it).
    static let cork = RepositoryData.shared("drive-tests/cork_5g_download_driving.csv")

    /// Settings the tests use (sites.yaml defaults).
    static let settings = CoverageSettings()

    /// Four rectangular "communes" over the Cork drives (51.88–51.96 N, 8.51–8.38 W), written to a temp file, so
    /// the real Irish drive test has communes to be judged in. One rectangle is counter-clockwise, one clockwise
    /// (both windings are accepted).
    static func corkBoundaries(directory: URL) throws -> (path: String, communes: [ServerCommune]) {
        let west = -8.52, east = -8.37, south = 51.875, north = 51.96
        let midLon = (west + east) / 2, midLat = (south + north) / 2
        let boxes: [(String, String, Double, Double, Double, Double)] = [
            ("90001", "Cork Tây Nam", west, south, midLon, midLat),
            ("90002", "Cork Đông Nam", midLon, south, east, midLat),
            ("90003", "Cork Tây Bắc", west, midLat, midLon, north),
            ("90004", "Cork Đông Bắc", midLon, midLat, east, north),
        ]
        var features: [String] = []
        for (i, b) in boxes.enumerated() {
            var ring = [[b.2, b.3], [b.4, b.3], [b.4, b.5], [b.2, b.5], [b.2, b.3]]
            if i == 1 { ring.reverse() }
            let coords = ring.map { "[\($0[0]),\($0[1])]" }.joined(separator: ",")
            features.append(
                #"{"type":"Feature","properties":{"ward_code":"\#(b.0)","name":"\#(b.1)"},"geometry":{"type":"Polygon","coordinates":[[\#(coords)]]}}"#
            )
        }
        let path = directory.appendingPathComponent("cork-communes.geojson").path
        try Data((#"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}").utf8)
            .write(to: URL(fileURLWithPath: path))
        let communes = boxes.map { b in
            ServerCommune(code: b.0, name: b.1, probeID: "probe-\(b.0)", gateway: "10.33.200.1", targets: [])
        }
        return (path, communes)
    }

    /// The coverage model run directly over report text (the oracle the server's snapshots are checked against).
    static func direct(
        _ text: String, format: ReportFormat = .csv, mapping: ColumnMapping = .canonical, boundaries: String
    ) throws -> (CoverageResult, ImportSummary) {
        let reader = makeReportReader(source: MemoryByteSource(text), format: format, mapping: mapping)
        var accumulator = CoverageAccumulator(settings: settings)
        while let r = try reader.next() { accumulator.add(r) }
        let result = CoverageAnalysis.analyze(accumulator, communes: try CommuneBoundaryReader.read(path: boundaries))
        return (result, reader.summary)
    }

    /// Simulated drive tests over Hưng Yên as canonical CSV (what `netmon coverage simulate` writes).
    static func simulatedHungYen(rows: Int, seed: UInt64) throws -> String {
        let communes = try CommuneBoundaryReader.read(path: Fixture.boundaries)
        let simulator = DriveTestSimulator(communes: communes, seed: seed)
        let sink = MemoryByteSink()
        let writer = CanonicalCSVWriter(sink: sink)
        try simulator.run(rows: rows) { try writer.write($0) }
        try writer.finish()
        return sink.text
    }

    /// Reports as JSON Lines with the canonical property names (numbers as Swift writes them: exact round trip).
    static func jsonLines(_ reports: [SignalReport]) -> String {
        var out = ""
        for r in reports {
            var members = [#""lat":\#(r.lat)"#, #""lon":\#(r.lon)"#, #""technology":"\#(r.technology.rawValue)""#]
            if let t = r.time { members.append(#""time":\#(t)"#) }
            if let o = r.operatorCode { members.append(#""operator":"\#(o)""#) }
            for m in SignalMetric.allCases { if let v = r[m] { members.append(#""\#(m.rawValue)":\#(v)"#) } }
            if let v = r.dlKbps { members.append(#""dl_kbps":\#(v)"#) }
            if let v = r.ulKbps { members.append(#""ul_kbps":\#(v)"#) }
            if let d = r.device { members.append(#""device":"\#(d)""#) }
            out += "{" + members.joined(separator: ",") + "}\n"
        }
        return out
    }

    /// Reports as a GeoJSON FeatureCollection of Points ([lon, lat]) with the canonical property names.
    static func geoJSON(_ reports: [SignalReport]) -> String {
        var features: [String] = []
        for r in reports {
            var members = [#""technology":"\#(r.technology.rawValue)""#]
            if let t = r.time { members.append(#""time":\#(t)"#) }
            if let o = r.operatorCode { members.append(#""operator":"\#(o)""#) }
            for m in SignalMetric.allCases { if let v = r[m] { members.append(#""\#(m.rawValue)":\#(v)"#) } }
            features.append(
                #"{"type":"Feature","geometry":{"type":"Point","coordinates":[\#(r.lon),\#(r.lat)]},"properties":{"#
                    + members.joined(separator: ",") + "}}")
        }
        return #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",\n") + "]}\n"
    }

    /// Every report of a canonical CSV text.
    static func reports(_ csv: String) throws -> [SignalReport] {
        let reader = CSVReportReader(source: MemoryByteSource(csv))
        var out: [SignalReport] = []
        while let r = try reader.next() { out.append(r) }
        return out
    }

    static func adminHeaders(contentType: String? = nil) -> HTTPFields {
        var h = Fixture.headers(Fixture.adminSecret, json: false)
        if let contentType { h[.contentType] = contentType }
        return h
    }

    static func json(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any], "\(r.text)")
    }

    static func features(_ r: TestResponse) throws -> [[String: Any]] {
        try #require(try json(r)["features"] as? [[String: Any]])
    }

    static func close(_ a: Any?, _ b: Double, tolerance: Double = 6e-7) -> Bool {
        guard let n = a as? NSNumber else { return false }
        return abs(n.doubleValue - b) <= tolerance
    }
}

/// Runs `body` against a live server (real HTTP on a port picked by the kernel) with coverage listeners.
func withCoverageServer(
    _ configuration: ServerConfiguration, store: any ProvinceStore, listener: UpdateCollector,
    _ body: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    // The coverage configurations have no probes: probe tokens would name no commune's probe id.
    let app = try buildApplication(
        configuration: configuration, store: store, port: 0, tokens: Fixture.grants.filter { $0.role != .probe },
        coverageListeners: [listener])
    try await app.test(.live) { client in try await body(client) }
}
