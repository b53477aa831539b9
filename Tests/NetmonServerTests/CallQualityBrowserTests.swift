import Foundation
import HummingbirdTesting
import NetmonServer
import Testing

/// The dashboard's "Call quality" mode in headless Chromium (Debian's), over the seeded store: 11953 and 11980 are
/// good, 11977 (30 % loss) bad, the rest without replies in the window. In BrowserTests' serialized suite: two
/// headless Chromiums started at once by one test process hung here.
extension BrowserTests {
    @Test(
        "#mode=call colours communes by their E-model grade, with the levels in the legend",
        .enabled(if: BrowserTests.chromium != nil, "Chromium is not installed (Debian package chromium)"),
        .enabled(
            if: FileManager.default.fileExists(atPath: "/usr/share/javascript/leaflet/leaflet.js"),
            "Leaflet is not installed (Debian package libjs-leaflet)"))
    func callModeInChromium() async throws {
        try await withServer(testing: .live) { client, store in
            try await seed(store)
            let port = try #require(client.port)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "netmon-browser-call-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let browser = self
            let base = "http://127.0.0.1:\(port)/#token=\(Fixture.viewerSecret)"

            let dom = try browser.runChromium(
                ["--dump-dom", base + "&mode=call"], profile: dir.appendingPathComponent("p1").path)
            let console = dom.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }
            let bad = console.filter { $0.contains("Uncaught") || $0.contains("netmon:") || $0.contains("Error") }
            #expect(bad.isEmpty, "console errors: \(bad.joined(separator: "\n"))")
            #expect(dom.stdout.contains("data-loaded=\"true\""), "the page did not finish loading its data")
            #expect(dom.stdout.contains("Good: meetings work (R ≥ 80)"), "the call-quality legend is missing")
            #expect(dom.stdout.contains("codec g711-plc"), "the legend does not state the codec")

            var counts: [String: [String: Int]] = [:]
            for mode in ["health", "call"] {
                let shot = dir.appendingPathComponent("\(mode).png").path
                _ = try browser.runChromium(
                    ["--screenshot=\(shot)", base + "&mode=\(mode)"],
                    profile: dir.appendingPathComponent("shot-\(mode)").path)
                counts[mode] = try browser.pixelClasses(pngPath: shot)
            }
            let call = try #require(counts["call"])
            let health = try #require(counts["health"])
            // Two good communes in call mode (11953, and 11980 whose 70 ms round trip only warns in health mode).
            #expect(
                call["green", default: 0] > health["green", default: 0] + 300, "call \(call), health \(health)")
            #expect(call["red", default: 0] > 300, "the lossy commune is not drawn red: \(call)")
            #expect(call["grey", default: 0] > 20_000, "communes without replies are not grey: \(call)")
        }
    }
}
