import Foundation
import NetmonProtocol
import TestSupport
import Testing

@testable import Alerting

/// Links that leave the configuration or stop reporting resolve once (persisted: a restart does not bring them
/// back) instead of repeating every `repeat_interval`; unconfigured communes and targets never become alerts.
/// Real alert stores (SQLite files) and processors restarted on the same file.
@Suite("Stale and unconfigured links resolve and stay resolved across restarts")
struct StaleLinkTests {
    let route = Route(
        receiver: "hook", groupBy: ["alertname", "commune"], groupWait: 30, groupInterval: 300, repeatInterval: 3600)

    func rules(_ targets: [String]) -> AlertRules {
        AlertRules(
            forSeconds: 120, gatewaySilentSeconds: 300,
            communes: [.init(code: "12345", name: "Xã Nam Tiền Hải", probeID: "probe-12345")],
            configuredLinks: ["12345": targets])
    }

    /// Feeds one minute of rounds (`lossy` targets lose 20 %, the others nothing) and ticks; returns what was sent.
    func minute(
        _ processor: AlertProcessor, _ t: inout Date, _ sequence: inout Int64, lossy: [String], clean: [String]
    ) async throws -> [AlertNotification] {
        var rounds: [ProbeRound] = []
        for target in lossy + clean {
            sequence += 1
            rounds.append(makeRound(target: target, sequence: sequence, start: t, lost: lossy.contains(target) ? 4 : 0))
        }
        await processor.ingest(rounds, receivedAt: t + 60)
        t += 60
        return try await processor.tick(at: t)
    }

    func portal(_ notifications: [AlertNotification]) -> [AlertNotification] {
        notifications.filter { $0.alerts.contains { $0.labels["target"] == "portal" } }
    }

    @Test("a target removed from sites.yaml: its firing LinkLoss resolves at start-up, once, and stays resolved")
    func removedTargetResolves() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-removed-link")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("alerts.sqlite").path
        var t = epoch
        var sequence: Int64 = 0
        var sent: [AlertNotification] = []
        do {
            let processor = try await AlertProcessor(
                store: try await AlertStore(path: path), rules: self.rules(["hub", "portal"]), route: self.route,
                startedAt: t)
            for _ in 0..<8 {
                sent += try await self.minute(processor, &t, &sequence, lossy: ["portal"], clean: ["hub"])
            }
            #expect(self.portal(sent).count == 1)
            #expect(self.portal(sent).first?.status == .firing)
        }
        // Restart with portal gone from the configuration; the gateway goes on probing the hub.
        do {
            let processor = try await AlertProcessor(
                store: try await AlertStore(path: path), rules: self.rules(["hub"]), route: self.route, startedAt: t)
            for _ in 0..<(3 * 60) {  // three repeat intervals
                sent += try await self.minute(processor, &t, &sequence, lossy: [], clean: ["hub"])
            }
            #expect(await processor.firingAlerts().filter { $0.labels["target"] == "portal" }.isEmpty)
        }
        let portal = self.portal(sent)
        #expect(portal.map(\.status) == [.firing, .resolved], "\(portal.map(\.status))")
        // Another restart on the same store: nothing comes back.
        let processor = try await AlertProcessor(
            store: try await AlertStore(path: path), rules: self.rules(["hub"]), route: self.route, startedAt: t)
        var after: [AlertNotification] = []
        for _ in 0..<(2 * 60) {
            after += try await self.minute(processor, &t, &sequence, lossy: [], clean: ["hub"])
        }
        #expect(self.portal(after).isEmpty)
        #expect(await processor.firingAlerts().isEmpty)
        #expect(try await processor.store.alerts(AlertQuery(states: [.firing, .pending]), now: t).isEmpty)
        #expect(try await processor.store.alerts(AlertQuery(states: [.resolved]), now: t).count == 2)
    }

    @Test("a link that stops reporting while its commune goes on resolves after the staleness window, once")
    func silentLinkResolves() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-stale-link")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("alerts.sqlite").path
        let rules = self.rules(["hub", "portal"])
        var t = epoch
        var sequence: Int64 = 0
        var sent: [AlertNotification] = []
        var lastPortalRound = t
        do {
            let processor = try await AlertProcessor(
                store: try await AlertStore(path: path), rules: rules, route: self.route, startedAt: t)
            for _ in 0..<8 {
                sent += try await self.minute(processor, &t, &sequence, lossy: ["portal"], clean: ["hub"])
            }
            lastPortalRound = t
            // A restart while the link is still fresh does not count the downtime: still firing after half an
            // hour of netmon being down (less than repeat_interval, so no repeat is due either).
            t += 1800
        }
        let processor = try await AlertProcessor(
            store: try await AlertStore(path: path), rules: rules, route: self.route, startedAt: t)
        let restartedAt = t
        sent += try await processor.tick(at: t)
        #expect(await processor.firingAlerts().filter { $0.labels["target"] == "portal" }.count == 2)
        // Now portal's rounds stop; the hub's go on.
        var resolvedAt: Date?
        for _ in 0..<(3 * 60) {
            let new = try await self.minute(processor, &t, &sequence, lossy: [], clean: ["hub"])
            if resolvedAt == nil, self.portal(new).contains(where: { $0.status == .resolved }) { resolvedAt = t }
            sent += new
        }
        let portal = self.portal(sent)
        #expect(portal.map(\.status) == [.firing, .resolved], "\(portal.map(\.status))")
        // Stale after max(3 steps, window + step, gateway_silent) = 5 min from the restart, plus group_interval.
        let seconds = resolvedAt.map { $0.timeIntervalSince(restartedAt) } ?? -1
        #expect(seconds >= 300 && seconds <= 300 + 300 + 60, "resolved \(seconds) s after the restart")
        #expect(lastPortalRound < restartedAt)
        #expect(await processor.firingAlerts().isEmpty)  // and no GatewaySilent: the commune kept reporting
        // Restart again: the resolution was persisted.
        let again = try await AlertProcessor(
            store: try await AlertStore(path: path), rules: rules, route: self.route, startedAt: t)
        var after: [AlertNotification] = []
        for _ in 0..<90 { after += try await self.minute(again, &t, &sequence, lossy: [], clean: ["hub"]) }
        #expect(self.portal(after).isEmpty)
        #expect(await again.firingAlerts().isEmpty)
    }

    @Test("rounds and health of unconfigured targets and communes never become alerts")
    func unconfiguredNeverAlerts() async throws {
        let directory = makeTemporaryDirectory("netmon-alerting-unconfigured")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        let processor = try await AlertProcessor(
            store: store, rules: self.rules(["hub"]), route: self.route, startedAt: epoch)
        var t = epoch
        var sent: [AlertNotification] = []
        for step in 0..<20 {
            var rounds = [makeRound(target: "hub", sequence: Int64(step * 10), start: t, lost: 0)]
            for index in 0..<5 {
                rounds.append(
                    makeRound(
                        target: "invented-\(step)-\(index)", sequence: Int64(step * 10 + index + 1), start: t, lost: 20)
                )
            }
            rounds.append(
                makeRound(commune: "99999", target: "hub", sequence: Int64(step * 10 + 9), start: t, lost: 20))
            await processor.ingest(rounds, receivedAt: t + 60)
            await processor.ingest(
                ProbeHealth(probeID: "probe-99999", commune: "99999", captureDropsPerMinute: 10_000), receivedAt: t + 60
            )
            t += 60
            sent += try await processor.tick(at: t)
        }
        #expect(sent.isEmpty)
        let all = try await store.alerts(AlertQuery(states: [.pending, .firing, .resolved]), now: t)
        #expect(all.isEmpty, "\(all.map(\.labels))")
    }

    /// The actions about link alerts, as (kind, alert).
    func linkActions(_ actions: [AlertStateMachine.Action]) -> [(String, Alert)] {
        actions.compactMap { action -> (String, Alert)? in
            switch action {
            case .pending(let alert): ("pending", alert)
            case .fire(let alert): ("fire", alert)
            case .resolve(let alert): ("resolve", alert)
            case .update(let alert): ("update", alert)
            case .cancel: nil
            }
        }.filter { $0.1.labels["kind"] == "link" }
    }

    @Test("engine state saved before link receive times were kept still loads, and its links start fresh")
    func oldSnapshotDecodes() throws {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 0))
        engine.ingest([makeRound(sequence: 1, start: epoch, lost: 10)], receivedAt: epoch + 60)
        #expect(self.linkActions(engine.evaluate(at: epoch + 60)).map(\.0) == ["fire", "fire"])
        var json = try #require(
            try JSONSerialization.jsonObject(with: try JSONEncoder().encode(engine)) as? [String: Any])
        json["linkSeen"] = nil
        var rules = try #require(json["rules"] as? [String: Any])
        rules["configuredLinks"] = nil
        rules["staleLinkSteps"] = nil
        json["rules"] = rules
        var restored = try JSONDecoder().decode(
            AlertEngine.self, from: try JSONSerialization.data(withJSONObject: json))
        // An hour later, without receive times: counted from now, so nothing about the link changes at once…
        #expect(self.linkActions(restored.evaluate(at: epoch + 3600)).isEmpty)
        // …but five minutes without rounds after that, the link is stale and both loss alerts resolve.
        let later = self.linkActions(restored.evaluate(at: epoch + 3600 + 301))
        #expect(later.count == 2)
        #expect(later.allSatisfy { $0.0 == "resolve" })
    }
}
