import Foundation
import Testing

@testable import ServerAlerting

/// Silence durations read as sites.yaml's durations (`DurationText`): compound forms such as `1h30m` included,
/// through the API as through `netmon alerts silence add --duration`.
@Suite("Silence durations")
struct SilenceDurationTests {
    @Test(
        "1h30m, 90s and 2d are durations; 0s, soon, 1e300d and -5m are refused",
        arguments: [
            ("1h30m", 5400.0), ("90s", 90), ("2d", 172_800), ("250ms", 0.25), ("0s", nil), ("soon", nil),
            ("1e300d", nil),
            ("-5m", nil),
        ])
    func durations(_ text: String, _ seconds: Double?) throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let request = try SilenceRequest.decode(Data(#"{"matchers": ["commune=11953"], "duration": "\#(text)"}"#.utf8))
        if let seconds {
            let silence = try request.silence(author: "root", now: now)
            #expect(silence.endsAt.timeIntervalSince(silence.startsAt) == seconds)
        } else {
            #expect(throws: (any Error).self) { try request.silence(author: "root", now: now) }
        }
    }
}
