import Foundation
import MeasurementStore
import NetmonProtocol
import TestSupport
import Testing

/// The two backends every store test runs against.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// Opens a migrated store on a fresh SQLite file or a fresh PostgreSQL database, runs `body`, then cleans up.
/// PostgreSQL tests are cancelled (shown as skipped, with the reason) when no server can be started.
func withStore<T: Sendable>(
    _ backend: Backend, _ body: @Sendable (any ProvinceStore) async throws -> T
) async throws -> T {
    let (location, cleanup) = try await freshLocation(backend)
    defer { if let cleanup { try? FileManager.default.removeItem(atPath: cleanup) } }
    return try await withOpenStore(location, body)
}

/// Opens a migrated store at `location`, runs `body` while it runs, closes it.
func withOpenStore<T: Sendable>(
    _ location: StoreLocation, _ body: @Sendable (any ProvinceStore) async throws -> T
) async throws -> T {
    let store = try location.open()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.run() }
        defer { group.cancelAll() }
        try await store.migrate()
        let result = try await body(store)
        try await store.close()
        return result
    }
}

/// A fresh SQLite file (in a folder to remove afterwards, returned) or a fresh PostgreSQL database. PostgreSQL
/// tests are cancelled (shown as skipped, with the reason) when no server can be started.
func freshLocation(_ backend: Backend) async throws -> (StoreLocation, cleanup: String?) {
    switch backend {
    case .sqlite:
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (.sqlite(path: dir.appendingPathComponent("province.sqlite").path), dir.path)
    case .postgres:
        let url: String
        do {
            url = try await PostgresCluster.shared.makeDatabase()
        } catch {
            try Test.cancel("PostgreSQL could not be started: \(error)")
        }
        return (try StoreLocation(parsing: url), nil)
    }
}

/// A round with plausible values; RTTs sorted ascending.
func makeRound(
    probe: String = "probe-11953", sequence: Int64, commune: String = "11953", target: String = "hub",
    start: Date = Date(timeIntervalSince1970: 1_790_000_000), sent: Int = 20, rtts: [Double]? = nil
) -> ProbeRound {
    let values = rtts ?? (0..<18).map { 0.010 + Double($0) * 0.0005 + Double(sequence % 7) * 0.001 }
    return ProbeRound(
        probeID: probe, sequence: sequence, commune: commune, target: target, address: "10.33.0.1", kind: "icmp",
        start: start, stepSeconds: 60, sent: sent, received: values.count, rttSeconds: values.sorted(),
        jitterSeconds: values.count > 1 ? 0.0007 : nil)
}
