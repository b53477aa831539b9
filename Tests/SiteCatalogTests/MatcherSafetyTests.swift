import Foundation
import SiteCatalog
import Testing

/// `=~` matchers, from sites.yaml or from viewers (`?match=`, silences), cannot make the server spin: unsafe patterns
/// are refused when the matcher is made (the API answers 400, sites.yaml fails to load), accepted ones are compiled
/// once and evaluated on bounded input.
@Suite("Label matcher regular expressions: refused when unsafe, bounded when accepted")
struct MatcherSafetyTests {
    /// Runs `body` on a thread of its own and reports whether it finished within `seconds` (a runaway evaluation
    /// fails the test instead of hanging it).
    func finishes(within seconds: Double, _ body: @escaping @Sendable () -> Bool) -> Bool? {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        let thread = Thread {
            result.set(body())
            done.signal()
        }
        thread.start()
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return result.get()
    }

    final class ResultBox: @unchecked Sendable {
        // Safe: written once before the semaphore is signalled, read after waiting on it.
        private var value = false
        func set(_ value: Bool) { self.value = value }
        func get() -> Bool { self.value }
    }

    @Test("`(a+)+$` and other catastrophic or non-RE2 patterns are refused with a clear error")
    func refusesUnsafePatterns() {
        let refused: [(String, String)] = [
            ("(a+)+$", "nested quantifiers"),
            ("(a|aa)*", "nested quantifiers"),
            ("(?:a*)*b", "nested quantifiers"),
            ("((ab)*c)+", "nested quantifiers"),
            ("(.*a){3}", "nested quantifiers"),
            ("(a)\\1", "back references"),
            ("(?=a)a", "look-around"),
            ("(?<!a)b", "look-around"),
            ("(?>a+)b", "atomic groups"),
            ("a++b", "possessive"),
            ("a{1000}", "repetition count"),
            (".*.*.*.*x", "unbounded quantifiers"),
            ("a?a?a?a?a?a?a?aaaaaaa", "quantifiers"),
            (String(repeating: "a", count: 300), "longer than 256"),
            ("(unclosed", "unbalanced"),
        ]
        for (pattern, reason) in refused {
            do {
                _ = try LabelMatcher(name: "commune", op: .matchesRegex, value: pattern)
                Issue.record("accepted \(pattern)")
            } catch {
                #expect(error.code == .regexRefused)
                #expect(error.message.contains(reason), "\(pattern): \(error)")
            }
        }
        // The same through the text form the API and `netmon alerts` parse.
        #expect(throws: MatcherError.self) { try LabelMatcher(parsing: "commune=~\"(a+)+$\"") }
        #expect(throws: MatcherError.self) { try LabelMatcher(parsing: "target!~(x*)*") }
    }

    @Test("ordinary patterns are accepted and match the whole value, as in Alertmanager")
    func acceptsOrdinaryPatterns() throws {
        let cases: [(String, String, Bool)] = [
            ("123.*", "12345", true),
            ("123.*", "012345", false),
            ("port", "portal", false),
            ("portal|dns", "dns", true),
            ("(?i)PORTAL", "portal", true),
            ("[0-9]{5}", "12345", true),
            ("[0-9]{5}", "1234", false),
            ("(ab)+", "ababab", true),
            ("(?:web|db)-[0-9]+", "db-12", true),
            ("Xã .*", "Xã Nam Tiền Hải", true),
            (".*a.*b.*c", "xxaxxbxxc", true),
            ("a{2,}", "aaaa", true),
            ("\\d+\\.\\d+", "3.14", true),
            ("[(+*]x", "+x", true),
        ]
        for (pattern, value, expected) in cases {
            let matcher = try LabelMatcher(name: "l", op: .matchesRegex, value: pattern)
            #expect(matcher.matches(["l": value]) == expected, "\(pattern) vs \(value)")
            let negated = try LabelMatcher(name: "l", op: .notMatchesRegex, value: pattern)
            #expect(negated.matches(["l": value]) == !expected, "\(pattern) !~ \(value)")
        }
        // Matchers survive a round trip through JSON (stored routes and queries) and compare by their text.
        let matcher = try LabelMatcher(parsing: "commune=~\"123.*\"")
        let decoded = try JSONDecoder().decode(LabelMatcher.self, from: try JSONEncoder().encode(matcher))
        #expect(decoded == matcher)
        #expect(decoded.matches(["commune": "12399"]))
    }

    @Test("the worst accepted pattern against long values returns at once")
    func boundedEvaluation() throws {
        // A backtracking engine takes cubic time on `.*.*.*x`: Swift's Regex needs some 0.3 s for 256 characters and
        // far longer for 2,000, which the length bound keeps from being evaluated at all.
        let matcher = try LabelMatcher(name: "commune_name", op: .matchesRegex, value: ".*.*.*x")
        let long = String(repeating: "a", count: 2000)
        let atLimit = String(repeating: "a", count: MatcherPattern.maximumInputLength)
        let longResult = self.finishes(within: 1.5) { matcher.matches(["commune_name": long]) }
        #expect(longResult == false, "a 2,000-character value was evaluated (or took over 1.5 s)")
        let limitResult = self.finishes(within: 1.5) { matcher.matches(["commune_name": atLimit]) }
        #expect(limitResult == false, "a value at the length limit took over 1.5 s")
        #expect(matcher.matches(["commune_name": "aax"]))
    }
}
