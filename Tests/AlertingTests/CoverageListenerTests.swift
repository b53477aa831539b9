import Alerting
import Foundation
import NetmonServer
import ServerAlerting
import SiteCatalog
import TestSupport
import Testing

/// The server's coverage hook feeds alerting's coverage rules through the real processor and store.
@Suite("Coverage updates from the server raise coverage alerts")
struct CoverageListenerTests {
    @Test(
        "communes without 4G, the province 5G ratio and dead zones become alerts (one per zone); recovered ones clear")
    func coverageAlerts() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-coverage")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        let processor = try await AlertProcessor(
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
                .init(cell: "8841a9d4c9fffff", commune: "12325", zone: 0),
                .init(cell: "8841a9d4cbfffff", commune: "12325", zone: 0),
                .init(cell: "8841a9d4cdfffff", commune: "11953", zone: 0),
                .init(cell: "8841a9d481fffff", commune: "12325", zone: 1),
            ],
            deadZones: 2, provinceFourGAreaRatio: 0.4, provinceFiveGAreaRatio: 0.1,
            zones: [
                // Three cells across the border of the two communes: one alert naming both.
                .init(
                    id: 0, anchor: "8841a9d4c9fffff", cells: ["8841a9d4c9fffff", "8841a9d4cbfffff", "8841a9d4cdfffff"],
                    areaKm2: 2.21, communeCodes: ["11953", "12325"]),
                .init(
                    id: 1, anchor: "8841a9d481fffff", cells: ["8841a9d481fffff"], areaKm2: 0.74, communeCodes: ["12325"]
                ),
            ])
        let summary = AlertingAPI.summary(update)
        #expect(summary.communes.map(\.meetsFourGTarget) == [true, false])
        #expect(summary.communes.map(\.fourGAreaRatio) == [0.5, 0.0])  // a quarter of the area, half of it measured
        #expect(summary.provinceFiveGAreaRatio == 0.1)
        #expect(summary.deadZones.map(\.zone) == ["8841a9d4c9fffff", "8841a9d481fffff"])
        #expect(summary.deadZones.map(\.cells) == [3, 1])
        #expect(summary.deadZones.map(\.communes) == [["11953", "12325"], ["12325"]])

        await api.coverageUpdated(update)
        _ = try await processor.tick(at: epoch)
        let firing = try await store.alerts(AlertQuery(states: [.firing]), now: epoch)
        let names = firing.map { $0.labels["alertname"] ?? "" }.sorted()
        #expect(names == ["DeadZone", "DeadZone", "Commune4GBelowTarget", "Province5GBelowTarget"].sorted())
        #expect(firing.first { $0.labels["alertname"] == "Commune4GBelowTarget" }?.labels["commune"] == "12325")
        let zones = firing.filter { $0.labels["alertname"] == "DeadZone" }.sorted {
            $0.labels["zone"]! > $1.labels["zone"]!
        }
        #expect(zones.map { $0.labels["zone"] } == ["8841a9d4c9fffff", "8841a9d481fffff"])
        #expect(zones.map { $0.labels["commune"] } == ["11953", "12325"])
        #expect(zones.map { $0.labels["communes"] } == ["11953,12325", "12325"])
        #expect(zones[0].annotations["commune_names"] == "Phường Sơn Nam, Xã Nam Tiền Hải")
        #expect(zones[0].annotations["cells"] == "3")
        #expect(zones[0].annotations["area_km2"] == "2.210")
        #expect(zones[0].annotations["summary"] == "Dead zone in Phường Sơn Nam, Xã Nam Tiền Hải (3 cells, 2.21 km²)")
        #expect(zones[1].labels["commune_name"] == "Xã Nam Tiền Hải")

        // The next recomputation: 4G reached the commune and the dead cells are gone.
        var better = update
        better.communes[1] = commune("12325", "Xã Nam Tiền Hải", fourG: 0.3)
        better.deadCells = []
        better.deadZones = 0
        better.zones = []
        await api.coverageUpdated(better)
        _ = try await processor.tick(at: epoch + 60)
        let still = try await store.alerts(AlertQuery(states: [.firing]), now: epoch + 60)
        #expect(still.map { $0.labels["alertname"] ?? "" } == ["Province5GBelowTarget"])
        // Each fixed zone resolves once, and stays resolved on the next recomputations.
        await api.coverageUpdated(better)
        _ = try await processor.tick(at: epoch + 120)
        let resolved = try await store.alerts(
            AlertQuery(states: [.resolved], matchers: [try LabelMatcher(parsing: "alertname=DeadZone")]),
            now: epoch + 120)
        #expect(resolved.map { $0.labels["zone"] ?? "" }.sorted() == ["8841a9d481fffff", "8841a9d4c9fffff"])
    }
}
