import Alerting
import Foundation
import NetmonServer
import ServerAlerting
import Testing

/// The server's coverage hook feeds alerting's coverage rules through the real processor and store.
@Suite("Coverage updates from the server raise coverage alerts")
struct CoverageListenerTests {
    @Test("communes without 4G, the province 5G ratio and dead cells become alerts; recovered ones clear")
    func coverageAlerts() async throws {
        let directory = try makeTemporaryDirectory("netmon-alerting-coverage")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        let processor = try AlertProcessor(
            store: store, rules: AlertRules(forSeconds: 0, fiveGAreaRatio: 0.6),
            route: Route(receiver: "hook", groupBy: ["alertname"], groupWait: 0))
        let api = AlertingAPI(processor: processor)
        func commune(_ code: String, _ name: String, fourG: Double) -> CoverageUpdate.Commune {
            CoverageUpdate.Commune(
                code: code, name: name, threeGAreaRatio: 0, fourGAreaRatio: fourG, fiveGAreaRatio: 0.1,
                measuredRatio: 0.5, hasFourG: fourG > 0, deadCells: 0, deadZones: 0)
        }
        let update = CoverageUpdate(
            computedAt: epoch, reports: 100,
            communes: [commune("11953", "Phường Sơn Nam", fourG: 0.25), commune("12325", "Xã Nam Tiền Hải", fourG: 0)],
            deadCells: [
                .init(cell: "8841a9d4cbfffff", commune: "12325", zone: 0),
                .init(cell: "8841a9d4c9fffff", commune: "12325", zone: 0),
            ],
            deadZones: 1, provinceFourGAreaRatio: 0.4, provinceFiveGAreaRatio: 0.1)
        let summary = AlertingAPI.summary(update)
        #expect(summary.communes.map(\.meetsFourGTarget) == [true, false])
        #expect(summary.communes.map(\.fourGAreaRatio) == [0.5, 0.0])  // a quarter of the area, half of it measured
        #expect(summary.provinceFiveGAreaRatio == 0.1)
        #expect(summary.deadZones.map(\.cell) == ["8841a9d4cbfffff", "8841a9d4c9fffff"])

        await api.coverageUpdated(update)
        _ = try await processor.tick(at: epoch)
        let firing = try store.alerts(AlertQuery(states: [.firing]), now: epoch)
        let names = firing.map { $0.labels["alertname"] ?? "" }.sorted()
        #expect(names == ["DeadZone", "DeadZone", "Commune4GBelowTarget", "Province5GBelowTarget"].sorted())
        #expect(firing.first { $0.labels["alertname"] == "Commune4GBelowTarget" }?.labels["commune"] == "12325")
        #expect(firing.first { $0.labels["alertname"] == "DeadZone" }?.labels["commune_name"] == "Xã Nam Tiền Hải")

        // The next recomputation: 4G reached the commune and the dead cells are gone.
        var better = update
        better.communes[1] = commune("12325", "Xã Nam Tiền Hải", fourG: 0.3)
        better.deadCells = []
        better.deadZones = 0
        await api.coverageUpdated(better)
        _ = try await processor.tick(at: epoch + 60)
        let still = try store.alerts(AlertQuery(states: [.firing]), now: epoch + 60)
        #expect(still.map { $0.labels["alertname"] ?? "" } == ["Province5GBelowTarget"])
    }
}
