import Foundation
import LinkQuality
import Testing

/// The sliding-window loss judgement on its own (the alert engine's use of it is tested in AlertingTests).
@Suite("Loss judged on enough probes")
struct LossJudgementTests {
    static let epoch = Date(timeIntervalSince1970: 1_790_000_000)

    static func window(_ rounds: [(sent: Int, received: Int)]) -> LossWindow {
        var window = LossWindow()
        for (index, round) in rounds.enumerated() {
            window.record(
                end: epoch.addingTimeInterval(Double(index) * 60), sent: round.sent, received: round.received)
        }
        return window
    }

    @Test("one round of 10 probes with 1 lost is not enough to raise at 2 %, ten such rounds are")
    func raiseNeedsEnoughProbes() {
        let judgement = LossJudgement(windowProbes: 100, clearWindowProbes: 400, confidence: 0.95)
        let one = judgement.judge(Self.window([(10, 9)]), raiseLevel: 0.02, clearLevel: 0.01)
        #expect(one.level == .hold)
        // 10/100 lost: the interval 0.055…0.174 lies above 2 %.
        let ten = judgement.judge(
            Self.window(Array(repeating: (10, 9), count: 10)), raiseLevel: 0.02, clearLevel: 0.01)
        #expect(ten.level == .raise)
        #expect(ten.recent == LossCount(sent: 100, lost: 10))
    }

    @Test("a loss-free window clears only once it holds the probes the clear level needs (381 at 1 %)")
    func clearNeedsEnoughProbes() {
        let judgement = LossJudgement(windowProbes: 100, clearWindowProbes: 100, confidence: 0.95)
        #expect(judgement.clearProbes(clearLevel: 0.01) == 381)
        let short = judgement.judge(
            Self.window(Array(repeating: (20, 20), count: 19)), raiseLevel: 0.02, clearLevel: 0.01)
        #expect(short.level == .hold)
        let long = judgement.judge(
            Self.window(Array(repeating: (20, 20), count: 20)), raiseLevel: 0.02, clearLevel: 0.01)
        #expect(long.level == .clear)
    }

    @Test("the window takes whole rounds, newest first, and trimming keeps what the largest window needs")
    func windowArithmetic() {
        var window = Self.window([(10, 0), (10, 10), (10, 5)])
        #expect(window.newest(probes: 10) == LossCount(sent: 10, lost: 5))
        #expect(window.newest(probes: 11) == LossCount(sent: 20, lost: 5))
        #expect(window.newest(probes: 1000) == LossCount(sent: 30, lost: 15))
        window.trim(keepingProbes: 15)
        #expect(window.samples.count == 2)
        // A round sent again replaces the first copy.
        window.record(end: Self.epoch.addingTimeInterval(120), sent: 10, received: 10)
        #expect(window.newest(probes: 10) == LossCount(sent: 10, lost: 0))
        #expect(window.samples.count == 2)
    }
}
