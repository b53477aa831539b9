import Foundation
import NetmonProtocol
import Testing

@testable import Alerting

/// Builds rounds of 20 probes with a given loss and RTT.
func makeRound(
    commune: String = "12345", target: String = "portal", sequence: Int64, start: Date, lost: Int, rtt: Double = 0.010,
    sent: Int = 20
) -> ProbeRound {
    let received = sent - lost
    return ProbeRound(
        probeID: "probe-\(commune)", sequence: sequence, commune: commune, target: target, address: "10.33.0.10",
        kind: "icmp", start: start, stepSeconds: 60, sent: sent, received: received,
        rttSeconds: Array(repeating: rtt, count: received), jitterSeconds: nil)
}

let epoch = Date(timeIntervalSince1970: 1_767_225_600)

@Suite("Alert state machine and rules")
struct StateMachineTests {
    @Test("pending waits for `for`, fires once, resolves once")
    func lifecycle() {
        var machine = AlertStateMachine()
        let labels = ["alertname": "X"]
        #expect(machine.apply([AlertSignal(labels: labels, level: .raise, forSeconds: 120)], at: epoch).count == 1)
        #expect(machine.entries.first?.value.phase == .pending)
        #expect(machine.apply([AlertSignal(labels: labels, level: .raise, forSeconds: 120)], at: epoch + 60).isEmpty)
        let fired = machine.apply([AlertSignal(labels: labels, level: .raise, forSeconds: 120)], at: epoch + 120)
        guard case .fire(let alert) = fired.first else {
            Issue.record("expected fire, got \(fired)")
            return
        }
        #expect(alert.startsAt == epoch + 120)
        #expect(machine.apply([AlertSignal(labels: labels, level: .hold, forSeconds: 120)], at: epoch + 180).isEmpty)
        let resolved = machine.apply([AlertSignal(labels: labels, level: .clear, forSeconds: 120)], at: epoch + 240)
        guard case .resolve(let done) = resolved.first else {
            Issue.record("expected resolve, got \(resolved)")
            return
        }
        #expect(done.endsAt == epoch + 240)
        #expect(machine.entries.isEmpty)
    }

    @Test("suppression stops creation, never resolution")
    func suppression() {
        var machine = AlertStateMachine()
        let labels = ["alertname": "X"]
        #expect(machine.apply([AlertSignal(labels: labels, level: .raise, isSuppressed: true)], at: epoch).isEmpty)
        #expect(machine.entries.isEmpty)
        _ = machine.apply([AlertSignal(labels: labels, level: .raise)], at: epoch + 60)
        #expect(machine.firing.count == 1)
        // Still firing while suppressed and raised; resolved when clear even though suppressed.
        #expect(
            machine.apply([AlertSignal(labels: labels, level: .raise, isSuppressed: true)], at: epoch + 120).isEmpty)
        #expect(machine.firing.count == 1)
        let actions = machine.apply([AlertSignal(labels: labels, level: .clear, isSuppressed: true)], at: epoch + 180)
        #expect(actions.count == 1)
        if case .resolve = actions.first {} else { Issue.record("expected resolve, got \(actions)") }
    }

    @Test("loss oscillating around the raise threshold does not flap (hysteresis)")
    func hysteresisFlapping() {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 120))
        var fires = 0
        var resolves = 0
        // 1/20 = 5% ≥ warn 2%, 0/20... no: oscillate between 1 lost of 40 (2.5%) and 0.015 region using 200 probes.
        for step in 0..<120 {
            let lost = step.isMultiple(of: 2) ? 5 : 3  // 2.5% and 1.5% of 200: around warn 2%, above clear 1%
            let start = epoch + Double(step) * 60
            engine.ingest(
                [makeRound(sequence: Int64(step), start: start, lost: lost, sent: 200)], receivedAt: start + 60)
            for action in engine.evaluate(at: start + 60) {
                if case .fire(let alert) = action, alert.labels["alertname"] == "LinkLoss" { fires += 1 }
                if case .resolve(let alert) = action, alert.labels["alertname"] == "LinkLoss" { resolves += 1 }
            }
        }
        #expect(fires == 1)
        #expect(resolves == 0)
    }

    @Test("loss oscillating across both thresholds faster than `for` never fires")
    func fastFlapping() {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 120))
        var notifications = 0
        for step in 0..<120 {
            let lost = step.isMultiple(of: 2) ? 4 : 0  // 20% then 0%
            let start = epoch + Double(step) * 60
            engine.ingest([makeRound(sequence: Int64(step), start: start, lost: lost)], receivedAt: start + 60)
            for action in engine.evaluate(at: start + 60) {
                switch action {
                case .fire, .resolve: notifications += 1
                default: break
                }
            }
        }
        #expect(notifications == 0)
    }

    @Test("without hysteresis the same input would flap: the clear threshold is what prevents it")
    func clearThresholdMatters() {
        let noHysteresis = AlertRules.LinkThresholds(
            latencySeconds: Threshold(warn: 1, clear: 1), lossRatio: Threshold(warn: 0.02, clear: 0.0199))
        var engine = AlertEngine(rules: AlertRules(defaultThresholds: noHysteresis, forSeconds: 0))
        var fires = 0
        for step in 0..<40 {
            let lost = step.isMultiple(of: 2) ? 5 : 3
            let start = epoch + Double(step) * 60
            engine.ingest(
                [makeRound(sequence: Int64(step), start: start, lost: lost, sent: 200)], receivedAt: start + 60)
            for case .fire in engine.evaluate(at: start + 60) { fires += 1 }
        }
        #expect(fires == 20)
    }

    @Test("warning and critical levels, latency by median or p95 over a window")
    func levelsAndWindow() {
        var rules = AlertRules(forSeconds: 0, latencyStatistic: .p95, windowSeconds: 180)
        rules.overrides["portal"] = AlertRules.LinkThresholds(
            latencySeconds: Threshold(warn: 0.080, critical: 0.200, clear: 0.060),
            lossRatio: Threshold(warn: 0.02, critical: 0.10, clear: 0.01))
        var engine = AlertEngine(rules: rules)
        engine.ingest([makeRound(sequence: 1, start: epoch, lost: 0, rtt: 0.070)], receivedAt: epoch + 60)
        #expect(engine.evaluate(at: epoch + 60).isEmpty)  // 70 ms < 80 ms override
        engine.ingest([makeRound(sequence: 2, start: epoch + 60, lost: 3, rtt: 0.250)], receivedAt: epoch + 120)
        let actions = engine.evaluate(at: epoch + 120)
        let fired = Set(
            actions.compactMap { action -> String? in
                if case .fire(let alert) = action {
                    return alert.labels["alertname"]! + "/" + alert.labels["severity"]!
                }
                return nil
            })
        // Window of 2 rounds: loss 3/40 = 7.5% (warning only); p95 of 20×70 ms + 17×250 ms = 250 ms (critical).
        #expect(fired == ["LinkLoss/warning", "LinkLatency/warning", "LinkLatency/critical"])
    }

    @Test("a silent gateway raises GatewaySilent and suppresses new link alerts of its commune")
    func gatewaySilent() {
        let rules = AlertRules(
            forSeconds: 0, gatewaySilentSeconds: 300,
            communes: [.init(code: "12345", name: "Xã Nam Tiền Hải", probeID: "probe-12345")])
        var engine = AlertEngine(rules: rules)
        engine.ingest([makeRound(sequence: 1, start: epoch, lost: 0)], receivedAt: epoch + 60)
        #expect(engine.evaluate(at: epoch + 60).isEmpty)
        let actions = engine.evaluate(at: epoch + 400)
        #expect(actions.count == 1)
        guard case .fire(let alert) = actions.first else { return }
        #expect(alert.labels["alertname"] == "GatewaySilent")
        #expect(alert.labels["commune_name"] == "Xã Nam Tiền Hải")
        // Late rounds arrive showing loss, while... the gateway is back: it resolves, and the loss alert may fire.
        engine.ingest([makeRound(sequence: 2, start: epoch + 400, lost: 10)], receivedAt: epoch + 460)
        let back = engine.evaluate(at: epoch + 460)
        #expect(
            back.contains { if case .resolve(let a) = $0 { a.labels["alertname"] == "GatewaySilent" } else { false } })
        #expect(back.contains { if case .fire(let a) = $0 { a.labels["alertname"] == "LinkLoss" } else { false } })
    }

    @Test("passive rounds keep a gateway alive but do not feed the link rules")
    func passiveRounds() {
        let rules = AlertRules(
            forSeconds: 0, gatewaySilentSeconds: 300,
            communes: [.init(code: "12345", name: "Xã Nam Tiền Hải", probeID: "probe-12345")])
        var engine = AlertEngine(rules: rules)
        #expect(engine.evaluate(at: epoch).isEmpty)
        var t = epoch
        for step in 1...10 {  // 10 minutes of passive rounds only, with 50 % "loss" (retransmissions)
            t = epoch + Double(step) * 60
            var round = makeRound(target: "passive:hub", sequence: Int64(step), start: t - 60, lost: 10)
            round.kind = "passive"
            engine.ingest([round], receivedAt: t)
            #expect(engine.evaluate(at: t).isEmpty)
        }
        // The same figures from an active round do raise the link alerts.
        engine.ingest([makeRound(target: "hub", sequence: 11, start: t, lost: 10)], receivedAt: t + 60)
        let actions = engine.evaluate(at: t + 60)
        #expect(actions.count == 2)
        #expect(actions.allSatisfy { if case .fire(let a) = $0 { a.labels["alertname"] == "LinkLoss" } else { false } })
    }

    @Test("after netmon itself was down, gateways are not called silent at once; silent ones stay silent")
    func resumeAfterDowntime() {
        let rules = AlertRules(
            forSeconds: 0, gatewaySilentSeconds: 300,
            communes: [
                .init(code: "A", name: "Xã A", probeID: "probe-A"), .init(code: "B", name: "Xã B", probeID: "probe-B"),
            ])
        var engine = AlertEngine(rules: rules)
        engine.ingest([makeRound(commune: "A", sequence: 1, start: epoch, lost: 0)], receivedAt: epoch + 60)
        engine.ingest([makeRound(commune: "B", sequence: 1, start: epoch, lost: 0)], receivedAt: epoch + 60)
        _ = engine.evaluate(at: epoch + 60)
        // B keeps reporting, A goes silent: GatewaySilent for A only.
        engine.ingest([makeRound(commune: "B", sequence: 2, start: epoch + 300, lost: 0)], receivedAt: epoch + 360)
        let silent = engine.evaluate(at: epoch + 420)
        #expect(silent.count == 1)
        // netmon is down for an hour, then resumes on its saved state.
        engine.resume(at: epoch + 4020)
        #expect(engine.evaluate(at: epoch + 4080).isEmpty)  // no storm for B; A still firing, not resolved
        #expect(engine.machine.firing.map { $0.labels["commune"] } == ["A"])
        // B really is silent: judged so after another five minutes.
        let later = engine.evaluate(at: epoch + 4330)
        #expect(later.count == 1)
        #expect(later.contains { if case .fire(let a) = $0 { a.labels["commune"] == "B" } else { false } })
    }

    @Test("commune cut off from the hub: only the hub alert is created; services behind it are suppressed")
    func communeHubDependency() {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 0))
        engine.ingest(
            [
                makeRound(target: "hub", sequence: 1, start: epoch, lost: 20),
                makeRound(target: "portal", sequence: 2, start: epoch, lost: 20),
            ], receivedAt: epoch + 60)
        let fired = engine.evaluate(at: epoch + 60).compactMap { action -> [String: String]? in
            if case .fire(let alert) = action { return alert.labels }
            return nil
        }
        #expect(!fired.isEmpty)
        #expect(fired.allSatisfy { $0["target"] == "hub" })
        #expect(!fired.contains { $0["target"] == "portal" })
    }

    @Test("hub down from most communes raises HubDown; firing alerts behind it still resolve")
    func hubDown() {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 0))
        // First: a portal latency alert fires in commune A.
        engine.ingest(
            [makeRound(commune: "A", target: "hub", sequence: 1, start: epoch, lost: 0)], receivedAt: epoch + 60)
        engine.ingest(
            [makeRound(commune: "A", target: "portal", sequence: 2, start: epoch, lost: 0, rtt: 0.3)],
            receivedAt: epoch + 60)
        engine.ingest(
            [makeRound(commune: "B", target: "hub", sequence: 1, start: epoch, lost: 0)], receivedAt: epoch + 60)
        let first = engine.evaluate(at: epoch + 60)
        #expect(first.contains { if case .fire(let a) = $0 { a.labels["target"] == "portal" } else { false } })
        // The hub goes down for A and B; A's portal recovers (late data); commune B's loss on hub is not a new alert
        // per commune? It is the hub itself: HubDown fires; the per-commune hub loss alerts are suppressed.
        let t = epoch + 120
        engine.ingest([makeRound(commune: "A", target: "hub", sequence: 3, start: t, lost: 20)], receivedAt: t + 60)
        engine.ingest([makeRound(commune: "B", target: "hub", sequence: 2, start: t, lost: 20)], receivedAt: t + 60)
        engine.ingest(
            [makeRound(commune: "A", target: "portal", sequence: 4, start: t, lost: 0, rtt: 0.01)], receivedAt: t + 60)
        let second = engine.evaluate(at: t + 60)
        let fired = second.compactMap { action -> String? in
            if case .fire(let a) = action { return a.labels["alertname"] }
            return nil
        }
        #expect(fired == ["HubDown"])
        #expect(second.contains { if case .resolve(let a) = $0 { a.labels["target"] == "portal" } else { false } })
    }

    @Test("coverage rules: dead zones, 4G per commune, 5G province with hysteresis")
    func coverage() {
        var engine = AlertEngine(rules: AlertRules(fiveGAreaRatio: 0.60, fiveGClearMargin: 0.02))
        engine.ingest(
            CoverageSummary(
                communes: [
                    .init(code: "1", name: "Xã Đồng Thanh", meetsFourGTarget: false, fourGAreaRatio: 0.8),
                    .init(code: "2", name: "Phường Mỹ Hào", meetsFourGTarget: true),
                ], provinceFiveGAreaRatio: 0.55, deadZones: [.init(zone: "88411c8b1bfffff", communes: ["1"])]))
        let first = engine.evaluate(at: epoch)
        let names = first.compactMap { action -> String? in
            if case .fire(let a) = action { return a.labels["alertname"] }
            return nil
        }.sorted()
        #expect(names.contains("Commune4GBelowTarget"))
        #expect(names.contains("Province5GBelowTarget"))
        #expect(names.contains("DeadZone"))
        // 5G at 61%: above target but inside the clear margin: stays firing. Dead zone gone: resolves.
        engine.ingest(
            CoverageSummary(
                communes: [.init(code: "1", name: "Xã Đồng Thanh", meetsFourGTarget: false)],
                provinceFiveGAreaRatio: 0.61, deadZones: []))
        let second = engine.evaluate(at: epoch + 3600)
        let resolved = second.compactMap { action -> String? in
            if case .resolve(let a) = action { return a.labels["alertname"] }
            return nil
        }
        #expect(resolved == ["DeadZone"])
        engine.ingest(CoverageSummary(communes: [], provinceFiveGAreaRatio: 0.63, deadZones: []))
        #expect(engine.evaluate(at: epoch + 7200).count == 1)
    }

    @Test("dead zones: one alert per zone, a zone across two communes names both, a fixed zone resolves once")
    func deadZonesPerZone() throws {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 0))
        func fired(_ actions: [AlertStateMachine.Action]) -> [Alert] {
            actions.compactMap { if case .fire(let a) = $0 { a } else { nil } }
        }
        func resolved(_ actions: [AlertStateMachine.Action]) -> [Alert] {
            actions.compactMap { if case .resolve(let a) = $0 { a } else { nil } }
        }
        let communes: [CoverageSummary.Commune] = [
            .init(code: "10", name: "Xã Đồng Thanh", meetsFourGTarget: true),
            .init(code: "20", name: "Phường Mỹ Hào", meetsFourGTarget: true),
        ]
        let big = CoverageSummary.DeadZone(zone: "88411c8b11fffff", cells: 40, areaKm2: 29.5, communes: ["10", "20"])
        let small = CoverageSummary.DeadZone(zone: "88411c8b1bfffff", cells: 2, areaKm2: 1.47, communes: ["20"])
        engine.ingest(CoverageSummary(communes: communes, deadZones: [big, small]))
        let first = fired(engine.evaluate(at: epoch)).filter { $0.labels["alertname"] == "DeadZone" }
        #expect(first.count == 2, "42 dead cells in two zones give two alerts, not 42")
        let spanning = try #require(first.first { $0.labels["zone"] == big.zone })
        #expect(spanning.labels["commune"] == "10")
        #expect(spanning.labels["communes"] == "10,20")
        #expect(spanning.annotations["commune_names"] == "Xã Đồng Thanh, Phường Mỹ Hào")
        #expect(spanning.annotations["summary"] == "Dead zone in Xã Đồng Thanh, Phường Mỹ Hào (40 cells, 29.50 km²)")
        #expect(spanning.annotations["cells"] == "40")
        #expect(spanning.annotations["area_km2"] == "29.500")
        // The big zone grows by a larger-indexed cell: same anchor, same alert, nothing new fires.
        var grown = big
        grown.cells = 41
        grown.areaKm2 = 30.2
        engine.ingest(CoverageSummary(communes: communes, deadZones: [grown, small]))
        let second = engine.evaluate(at: epoch + 60)
        #expect(fired(second).isEmpty && resolved(second).isEmpty)
        // The small zone is fixed: it resolves once, and only once.
        engine.ingest(CoverageSummary(communes: communes, deadZones: [grown]))
        #expect(resolved(engine.evaluate(at: epoch + 120)).map { $0.labels["zone"] } == [small.zone])
        engine.ingest(CoverageSummary(communes: communes, deadZones: [grown]))
        #expect(resolved(engine.evaluate(at: epoch + 180)).isEmpty)
        #expect(engine.machine.firing.filter { $0.labels["alertname"] == "DeadZone" }.count == 1)
    }

    @Test("a saved per-cell dead zone (earlier versions) still decodes")
    func oldDeadZoneDecodes() throws {
        let old = Data(#"{"cell":"88411c8b1bfffff","commune":"1"}"#.utf8)
        let zone = try JSONDecoder().decode(CoverageSummary.DeadZone.self, from: old)
        #expect(zone == CoverageSummary.DeadZone(zone: "88411c8b1bfffff", cells: 1, communes: ["1"]))
    }

    @Test("the engine round-trips through JSON with its state")
    func persistence() throws {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 0))
        engine.ingest([makeRound(sequence: 1, start: epoch, lost: 10)], receivedAt: epoch + 60)
        _ = engine.evaluate(at: epoch + 60)
        let data = try JSONEncoder().encode(engine)
        var restored = try JSONDecoder().decode(AlertEngine.self, from: data)
        #expect(restored.machine == engine.machine)
        // Same input after restore: nothing new fires.
        #expect(restored.evaluate(at: epoch + 61).isEmpty)
    }
}
