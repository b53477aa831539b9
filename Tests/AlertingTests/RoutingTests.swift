import Foundation
import SiteCatalog
import Testing

@testable import Alerting

@Suite("Routing tree, grouping, silences")
struct RoutingTests {
    func alert(_ name: String, commune: String, severity: String = "warning", startsAt: Date = epoch) -> Alert {
        Alert(labels: ["alertname": name, "commune": commune, "severity": severity], startsAt: startsAt)
    }

    func tree() throws -> Route {
        Route(
            receiver: "noc-webhook", groupBy: ["alertname", "commune"], groupWait: 30, groupInterval: 300,
            repeatInterval: 14_400,
            routes: [
                Route(
                    receiver: "noc-email", matchers: [try LabelMatcher(parsing: "severity=critical")],
                    continueMatching: true),
                Route(
                    receiver: "coverage-team",
                    matchers: [try LabelMatcher(parsing: #"alertname=~"Dead.*|Commune4G.*""#)]),
            ])
    }

    @Test("matchers parse and match like Alertmanager's")
    func matchers() throws {
        let labels = ["alertname": "LinkLoss", "commune": "12345"]
        #expect(try LabelMatcher(parsing: "alertname=LinkLoss").matches(labels))
        #expect(try LabelMatcher(parsing: #"commune!="99999""#).matches(labels))
        #expect(try LabelMatcher(parsing: "commune=~123.*").matches(labels))
        #expect(try !LabelMatcher(parsing: "commune=~23").matches(labels))  // anchored
        #expect(try LabelMatcher(parsing: "severity!~crit.*").matches(labels))
        #expect(try LabelMatcher(parsing: "severity=").matches(labels))  // missing label is ""
        #expect(throws: MatcherError.self) { try LabelMatcher(parsing: "no operator") }
        #expect(throws: MatcherError.self) { try LabelMatcher(parsing: "a=~(") }
    }

    @Test("continue sends critical alerts to email and the default receiver")
    func routing() throws {
        let route = try tree()
        // As in Alertmanager, `continue` goes on to the siblings, not back to the parent: a critical link alert that
        // no later sibling matches goes to email only.
        #expect(route.match(["severity": "critical", "alertname": "LinkLoss"]).map(\.receiver) == ["noc-email"])
        #expect(route.match(["severity": "warning", "alertname": "LinkLoss"]).map(\.receiver) == ["noc-webhook"])
        #expect(route.match(["severity": "warning", "alertname": "DeadZone"]).map(\.receiver) == ["coverage-team"])
        #expect(
            route.match(["severity": "critical", "alertname": "DeadZone"]).map(\.receiver) == [
                "noc-email", "coverage-team",
            ])
        #expect(route.match(["alertname": "X"]).first?.groupWait == 30)
    }

    @Test("group_wait, group_interval, repeat_interval and resolved notifications")
    func grouping() throws {
        var dispatcher = NotificationDispatcher(route: try tree())
        dispatcher.receive(alert("LinkLoss", commune: "1"), at: epoch)
        #expect(dispatcher.flush(at: epoch + 29).isEmpty)  // group_wait
        dispatcher.receive(
            Alert(
                labels: ["alertname": "LinkLoss", "commune": "1", "severity": "warning", "target": "hub"],
                startsAt: epoch),
            at: epoch + 10)
        let first = dispatcher.flush(at: epoch + 30)
        #expect(first.count == 1)
        #expect(first.first?.alerts.count == 2)  // both alerts of the group in one notification
        #expect(first.first?.groupLabels == ["alertname": "LinkLoss", "commune": "1"])
        #expect(first.first?.groupKey == #"{}:{alertname="LinkLoss", commune="1"}"#)
        // Nothing changed: no notification at the next group_interval.
        #expect(dispatcher.flush(at: epoch + 330).isEmpty)
        // repeat_interval passed: the same firing alerts again.
        #expect(dispatcher.flush(at: epoch + 30 + 14_400).count == 1)
        // One resolves: a notification at the next interval boundary, marked firing (one still fires).
        var resolved = alert("LinkLoss", commune: "1")
        resolved.endsAt = epoch + 14_500
        dispatcher.receive(resolved, at: epoch + 14_500)
        #expect(dispatcher.flush(at: epoch + 14_600).isEmpty)  // interval not reached yet
        let change = dispatcher.flush(at: epoch + 30 + 14_400 + 300)
        #expect(change.count == 1)
        #expect(change.first?.alerts.map(\.status) == [.firing, .resolved])
        // The resolved one left the group.
        #expect(dispatcher.groups.first?.value.alerts.count == 1)
    }

    @Test("send_resolved: false drops resolutions; an alert resolved before group_wait is never notified")
    func withoutResolved() throws {
        var dispatcher = NotificationDispatcher(route: try tree(), receiversWithoutResolved: ["noc-webhook"])
        dispatcher.receive(alert("LinkLoss", commune: "1"), at: epoch)
        #expect(dispatcher.flush(at: epoch + 30).count == 1)
        var resolved = alert("LinkLoss", commune: "1")
        resolved.endsAt = epoch + 100
        dispatcher.receive(resolved, at: epoch + 100)
        #expect(dispatcher.flush(at: epoch + 330).isEmpty)
        #expect(dispatcher.groups.isEmpty)

        var other = NotificationDispatcher(route: try tree())
        other.receive(alert("LinkLoss", commune: "2"), at: epoch)
        var gone = alert("LinkLoss", commune: "2")
        gone.endsAt = epoch + 5
        other.receive(gone, at: epoch + 5)
        #expect(other.flush(at: epoch + 30).isEmpty)
    }

    @Test("silences and maintenance windows mute by matchers and time; the alert is notified when they end")
    func silences() throws {
        var dispatcher = NotificationDispatcher(route: try tree())
        let maintenance = Silence(
            matchers: [try LabelMatcher(parsing: "commune=1")], startsAt: epoch + 20, endsAt: epoch + 1000,
            comment: "Bảo trì")
        dispatcher.receive(alert("LinkLoss", commune: "1"), at: epoch)
        dispatcher.receive(alert("LinkLoss", commune: "2"), at: epoch)
        let first = dispatcher.flush(at: epoch + 30, silences: [maintenance])
        #expect(first.map { $0.groupLabels["commune"] } == ["2"])
        #expect(dispatcher.flush(at: epoch + 330, silences: [maintenance]).isEmpty)
        let after = dispatcher.flush(at: epoch + 1230, silences: [maintenance])
        #expect(after.map { $0.groupLabels["commune"] } == ["1"])
        #expect(!maintenance.isActive(at: epoch + 1000))
    }

    @Test("the dispatcher's groups persist as JSON and continue after a restart")
    func persistence() throws {
        var dispatcher = NotificationDispatcher(route: try tree())
        dispatcher.receive(alert("LinkLoss", commune: "1"), at: epoch)
        _ = dispatcher.flush(at: epoch + 30)
        var restored = try JSONDecoder().decode(NotificationDispatcher.self, from: JSONEncoder().encode(dispatcher))
        restored.route = try tree()
        #expect(restored.groups == dispatcher.groups)
        #expect(restored.flush(at: epoch + 330).isEmpty)  // no re-notification after restart
    }
}
