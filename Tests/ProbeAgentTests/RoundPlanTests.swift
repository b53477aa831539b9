import Foundation
import NetworkAddress
import Testing

@testable import ProbeAgent

@Suite("Round plan and summary")
struct RoundPlanTests {
    @Test("SmokePing defaults: 20 probes 1 s apart, 50 targets spread 20 ms apart, all inside the 60 s step")
    func defaults() {
        let schedule = ProbeSchedule(
            probes: 20, stepSeconds: 60, timeoutSeconds: 2, intervalSeconds: 1, payloadBytes: 56)
        let plan = RoundPlan(schedule: schedule, targetCount: 50)
        #expect(plan.intervalSeconds == 1)
        #expect(abs(plan.spacingSeconds - 0.02) < 1e-12)
        #expect(plan.startOffsets.count == 50)
        #expect(plan.startOffsets.first == 0)
        #expect(abs(plan.startOffsets.last! - 0.98) < 1e-9)
        // The last probe of the last target plus its timeout ends inside the step.
        let end = plan.startOffsets.last! + Double(schedule.probes - 1) * plan.intervalSeconds + schedule.timeoutSeconds
        #expect(end <= schedule.stepSeconds)
    }

    @Test("an interval too long for the step shrinks so the round still fits")
    func shrinks() {
        let schedule = ProbeSchedule(
            probes: 10, stepSeconds: 5, timeoutSeconds: 1, intervalSeconds: 1, payloadBytes: 56)
        let plan = RoundPlan(schedule: schedule, targetCount: 4)
        #expect(plan.intervalSeconds == 0.4)
        let end = plan.startOffsets.last! + 9 * plan.intervalSeconds + 1
        #expect(end <= 5)
    }

    @Test("steps align to wall-clock multiples of the step")
    func alignment() {
        let date = Date(timeIntervalSince1970: 1_780_000_077.5)
        #expect(RoundPlan.stepStart(containing: date, stepSeconds: 60).timeIntervalSince1970 == 1_780_000_020)
        #expect(RoundPlan.stepStart(containing: date, stepSeconds: 1).timeIntervalSince1970 == 1_780_000_077)
    }

    @Test("a round's RTTs are sorted for the smoke and its jitter follows RFC 3550 on send order")
    func summary() throws {
        let target = AgentTarget(name: "hub", address: try #require(IPAddress("127.0.0.1")), kind: .icmp)
        let m = RoundSummary.measurement(
            commune: "12345", target: target, start: Date(timeIntervalSince1970: 0), stepSeconds: 60,
            result: TargetRound(sent: 5, rttsInSendOrder: [0.010, 0.030, 0.020]))
        #expect(m.sent == 5 && m.received == 3)
        #expect(m.rttSeconds == [0.010, 0.020, 0.030])
        // J1 = 0.020/16 = 0.00125; J2 = J1 + (0.010 − J1)/16 = 0.00125 + 0.00054688 = 0.00179688.
        let jitter = try #require(m.jitterSeconds)
        #expect(abs(jitter - 0.001796875) < 1e-12)
        let lost = RoundSummary.measurement(
            commune: "12345", target: target, start: Date(timeIntervalSince1970: 0), stepSeconds: 60,
            result: TargetRound(sent: 5, rttsInSendOrder: []))
        #expect(lost.received == 0 && lost.jitterSeconds == nil && lost.rttSeconds.isEmpty)
    }
}
