import Foundation
import NetmonServer
import Testing

@testable import Alerting
@testable import ServerAlerting

/// `Commune4GBelowTarget` only for communes measured enough; `CoverageMeasurementMissing` says how many are not.
@Suite("coverage alerts tell missing measurements from missing coverage")
struct CoverageMeasurementRuleTests {
    static func fired(_ actions: [AlertStateMachine.Action]) -> [Alert] {
        actions.compactMap { if case .fire(let a) = $0 { a } else { nil } }
    }

    static func resolved(_ actions: [AlertStateMachine.Action]) -> [Alert] {
        actions.compactMap { if case .resolve(let a) = $0 { a } else { nil } }
    }

    @Test("the 4G alert fires only for communes measured enough; unknown counts as measured (older summaries)")
    func fourGOnlyWhereMeasured() {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 0))
        engine.ingest(
            CoverageSummary(
                communes: [
                    .init(
                        code: "1", name: "Xã Đồng Thanh", meetsFourGTarget: false, measuredRatio: 0.30,
                        isMeasuredEnough: true),
                    .init(
                        code: "2", name: "Phường Mỹ Hào", meetsFourGTarget: false, measuredRatio: 0.29,
                        isMeasuredEnough: false),
                    .init(code: "3", name: "Xã Tân Lập", meetsFourGTarget: false),
                ], minMeasuredRatio: 0.3))
        let fired = Self.fired(engine.evaluate(at: epoch))
        let fourG = fired.filter { $0.labels["alertname"] == "Commune4GBelowTarget" }.compactMap {
            $0.labels["commune"]
        }
        #expect(fourG.sorted() == ["1", "3"])
        // Commune 1 is later measured less (reports deleted): its 4G alert resolves, the summary now counts it.
        engine.ingest(
            CoverageSummary(
                communes: [
                    .init(
                        code: "1", name: "Xã Đồng Thanh", meetsFourGTarget: false, measuredRatio: 0.1,
                        isMeasuredEnough: false),
                    .init(
                        code: "2", name: "Phường Mỹ Hào", meetsFourGTarget: false, measuredRatio: 0.29,
                        isMeasuredEnough: false),
                    .init(code: "3", name: "Xã Tân Lập", meetsFourGTarget: false),
                ], minMeasuredRatio: 0.3))
        let second = engine.evaluate(at: epoch + 60)
        #expect(Self.resolved(second).map { $0.labels["commune"] } == ["1"])
        let summary = engine.machine.firing.first { $0.labels["alertname"] == "CoverageMeasurementMissing" }
        #expect(summary?.annotations["summary"] == "2 communes have less than 30 % of their area measured")
    }

    @Test("the summary alert: info severity, the count and the names in its text, one commune in the singular, clears")
    func measurementSummary() throws {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 0))
        var communes = (1...23).map { i in
            CoverageSummary.Commune(
                code: "\(10_000 + i)", name: "Xã \(i)", meetsFourGTarget: false, measuredRatio: 0.05,
                isMeasuredEnough: false)
        }
        communes.append(
            .init(
                code: "20000", name: "Phường Hiến Nam", meetsFourGTarget: true, measuredRatio: 0.9,
                isMeasuredEnough: true))
        engine.ingest(CoverageSummary(communes: communes, minMeasuredRatio: 0.3))
        let fired = Self.fired(engine.evaluate(at: epoch))
        let summaries = fired.filter { $0.labels["alertname"] == "CoverageMeasurementMissing" }
        let summary = try #require(summaries.first)
        #expect(summaries.count == 1)
        #expect(summary.labels == ["alertname": "CoverageMeasurementMissing", "severity": "info", "kind": "coverage"])
        #expect(summary.annotations["summary"] == "23 communes have less than 30 % of their area measured")
        #expect(summary.annotations["value"] == "23")
        #expect(summary.annotations["min_measured_ratio"] == "0.3")
        #expect(summary.annotations["communes"]?.split(separator: ",").count == 23)
        let description = try #require(summary.annotations["description"])
        #expect(description.hasPrefix("Not measured enough to judge coverage targets: Xã 1 (5 %), Xã 2 (5 %)"))
        #expect(description.hasSuffix(", and 3 more"))
        #expect(!description.contains("Hiến Nam"))
        #expect(fired.filter { $0.labels["alertname"] == "Commune4GBelowTarget" }.isEmpty)

        // One left: the same alert, its text in the singular.
        for i in 1..<23 {
            communes[i].isMeasuredEnough = true
            communes[i].meetsFourGTarget = true
        }
        engine.ingest(CoverageSummary(communes: communes, minMeasuredRatio: 0.3))
        #expect(Self.fired(engine.evaluate(at: epoch + 60)).isEmpty)
        let one = engine.machine.firing.first { $0.labels["alertname"] == "CoverageMeasurementMissing" }
        #expect(one?.annotations["summary"] == "1 commune has less than 30 % of its area measured")
        // Every commune measured enough: it resolves.
        communes[0].isMeasuredEnough = true
        communes[0].meetsFourGTarget = true
        engine.ingest(CoverageSummary(communes: communes, minMeasuredRatio: 0.3))
        let cleared = Self.resolved(engine.evaluate(at: epoch + 120))
        #expect(cleared.map { $0.labels["alertname"] } == ["CoverageMeasurementMissing"])
    }

    @Test("no minimum in the summary (an older one): no measurement alert")
    func noMinimumNoSummary() {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 0))
        engine.ingest(
            CoverageSummary(communes: [.init(code: "1", name: "Xã A", meetsFourGTarget: true, isMeasuredEnough: false)])
        )
        #expect(Self.fired(engine.evaluate(at: epoch)).isEmpty)
    }

    @Test("the server's update carries each commune's measured-enough flag and the minimum to alerting")
    func updateToSummary() {
        let update = CoverageUpdate(
            computedAt: epoch, reports: 10,
            communes: [
                CoverageUpdate.Commune(
                    code: "1", name: "Xã A", threeGAreaRatio: 0, fourGAreaRatio: 0, fiveGAreaRatio: 0,
                    measuredRatio: 0.2, hasFourG: false, deadCells: 0, deadZones: 0, isMeasuredEnough: false)
            ], deadCells: [], deadZones: 0, provinceFourGAreaRatio: 0, provinceFiveGAreaRatio: 0,
            minMeasuredRatio: 0.3)
        let summary = AlertingAPI.summary(update)
        #expect(summary.minMeasuredRatio == 0.3)
        #expect(summary.communes.map(\.isMeasuredEnough) == [false])
        #expect(summary.communes.map(\.measuredRatio) == [0.2])
        #expect(summary.communesNotMeasuredEnough.map(\.code) == ["1"])
    }

    @Test("a summary saved before these fields decodes, measured-enough unknown")
    func oldSummaryDecodes() throws {
        let old = Data(#"{"communes":[{"code":"1","name":"Xã A","meetsFourGTarget":false}],"deadZones":[]}"#.utf8)
        let summary = try JSONDecoder().decode(CoverageSummary.self, from: old)
        #expect(summary.minMeasuredRatio == nil)
        #expect(summary.communes.first?.isMeasuredEnough == nil)
    }
}
