import Foundation
import NetmonProtocol
import Testing

/// The one RFC 3339 implementation (NetmonProtocol), held against Foundation's ISO 8601 formatter.
@Suite("RFC 3339")
struct RFC3339Tests {
    @Test("whole seconds format as Foundation's ISO 8601 does, and every time reads back to the microsecond")
    func againstFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        let style = Date.ISO8601FormatStyle()
        for _ in 0..<20_000 {
            let whole = Double(Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator))  // 1900–2100
            let date = Date(timeIntervalSince1970: whole)
            #expect(RFC3339.format(date) == date.formatted(style), "\(whole)")
            let micros = Double(Int.random(in: 0..<1_000_000, using: &generator))
            let precise = Date(timeIntervalSince1970: whole + micros / 1e6)
            let text = RFC3339.format(precise)
            let back = try #require(RFC3339.parse(text), "\(text)")
            #expect(abs(back.timeIntervalSince1970 - precise.timeIntervalSince1970) < 1e-6, "\(text)")
        }
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0.25)) == "1970-01-01T00:00:00.25Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(RFC3339.parse("2026-01-01T07:00:00+07:00") == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(RFC3339.parse("yesterday") == nil)
    }
}
