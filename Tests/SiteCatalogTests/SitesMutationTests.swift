import Foundation
import NetmonLab
import SiteCatalog
import TestSupport
import Testing

/// Seeded random damage to real sites.yaml files, byte by byte and line by line (a line deleted or duplicated,
/// re-indented, a value swapped for a huge, negative, NaN or overflowing number or a long string), and YAML anchor
/// bombs: the loader gives a configuration or an error whose every problem has a line and column inside the
/// document, within a few seconds, never a crash. The seed is in each test's arguments; a failure names the
/// iteration and prints the input.
@Suite struct SitesMutationTests {
    /// The repository's sites.yaml, and a small file with every optional block (capture, signal, location,
    /// call_quality, alerts) so that their decoders are reached too.
    static let documents: [(name: String, yaml: String, path: String)] = [
        (
            "repository", (try? String(contentsOfFile: Fixture.repositorySitesPath, encoding: .utf8)) ?? "",
            Fixture.repositorySitesPath
        ),
        ("every block", Self.everyBlock, "/nonexistent/sites.yaml"),
    ]

    /// `Fixture.base` with capture, signal and location defaults, per-commune overrides and call_quality.
    static let everyBlock =
        Fixture.base.replacingOccurrences(
            of: "  thresholds:\n    latency_ms: { warn: 50",
            with: """
                  capture: { interface: eth1, filter: "tcp or icmp", snaplen: 128, buffer_mib: 2 }
                  signal: { source: mmcli, interval: 5m, device: 0 }
                  location: { lat: 20.6465, lon: 106.0512 }
                  thresholds:
                    latency_ms: { warn: 50
                """
        )
        .replacingOccurrences(
            of: "    probe_id: probe-13063\n",
            with: """
                    probe_id: probe-13063
                    location: { lat: 20.41, lon: 106.52 }
                    signal: { source: quectel, device: /dev/ttyUSB2, lte_sinr: db, interval: 10m }
                    capture: { interface: wan0, snaplen: 96 }

                """)
            + """

            call_quality:
              target: hub
              window: 15m
              codec: g711-plc
              packet_ms: 20
              jitter_buffer: { mode: adaptive, multiple: 2, min_ms: 10 }
              levels: { good: 80, fair: 70, poor: 60 }
            """

    /// The boundaries file read once: the cross-check sees the real communes without re-reading 1.8 MB per input.
    static let boundaries: BoundaryCommunes.Reader = {
        let communes = BoundaryCommunes.load(path: RepositoryData.communesGeoJSON)
        return { _ in communes }
    }()

    /// YAML-significant bytes, and a few that are not text.
    static let alphabet = Array("-:,[]{}&*!|>'\"#%@`?~ \n\t0123456789.eE+".utf8) + [0x00, 0xFF, 0xC3, 0x0D]

    enum Outcome { case config, error }

    /// Decodes `yaml` within `limit`, checking every diagnostic's place. Returns what happened.
    static func check(
        _ yaml: String, path: String, limit: Duration = .seconds(5), _ note: @autoclosure () -> String
    ) -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome: Outcome
        do {
            _ = try SitesConfig.decode(yaml: yaml, path: path, boundaries: Self.boundaries)
            outcome = .config
        } catch {
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).count
            #expect(!error.diagnostics.isEmpty, "\(note())")
            for diagnostic in error.diagnostics {
                #expect(
                    (1...lines + 1).contains(diagnostic.line) && diagnostic.column >= 1,
                    "\(note()): \(diagnostic) is outside the \(lines)-line document")
                #expect(!diagnostic.message.isEmpty, "\(note())")
            }
            outcome = .error
        }
        let elapsed = clock.now - start
        #expect(elapsed < limit, "\(note()): took \(elapsed)")
        return outcome
    }

    @Test("sites.yaml: seeded byte mutations give a config or located errors", arguments: [(0, 11), (1, 12)])
    func bytes(document: Int, seed: UInt64) throws {
        let (name, yaml, path) = Self.documents[document]
        #expect(Self.check(yaml, path: path, "\(name) unmutated") == .config)
        var random = SplitMix64(seed: seed)
        var outcomes: [Outcome: Int] = [:]
        for iteration in 0..<120 {
            let bytes = InputMutation.bytes(Array(yaml.utf8), alphabet: Self.alphabet, using: &random)
            let text = String(decoding: bytes, as: UTF8.self)
            outcomes[Self.check(text, path: path, "seed \(seed) iteration \(iteration) of \(name)"), default: 0] += 1
        }
        #expect((outcomes[.error] ?? 0) > 0)
    }

    @Test(
        "sites.yaml: seeded line mutations (delete, duplicate, indent, hostile values) give a config or located errors",
        arguments: [(0, 21), (1, 22)])
    func lines(document: Int, seed: UInt64) throws {
        let (name, yaml, path) = Self.documents[document]
        var random = SplitMix64(seed: seed)
        var outcomes: [Outcome: Int] = [:]
        for iteration in 0..<150 {
            let text = InputMutation.lines(yaml, separator: ": ", values: InputMutation.hostileValues, using: &random)
            outcomes[Self.check(text, path: path, "seed \(seed) iteration \(iteration) of \(name)"), default: 0] += 1
        }
        // Both outcomes: some edits (a comment line, a repeated comment) leave the file valid.
        #expect((outcomes[.error] ?? 0) > 0)
        #expect((outcomes[.config] ?? 0) > 0)
    }

    /// An anchor bomb: `depth` levels, each a list of `width` aliases of the level below, put where the decoder
    /// walks (communes, a target list, the alert routes, an unknown key).
    static func bomb(width: Int, depth: Int, at place: String) -> String {
        var lines = ["x0: &l0 [\(Array(repeating: "\"lol\"", count: width).joined(separator: ", "))]"]
        for level in 1...depth {
            lines.append(
                "x\(level): &l\(level) [\(Array(repeating: "*l\(level - 1)", count: width).joined(separator: ", "))]")
        }
        let top = "*l\(depth)"
        let yaml = Fixture.base
        switch place {
        case "communes":
            return lines.joined(separator: "\n") + "\n"
                + yaml.replacingOccurrences(of: "communes:\n", with: "communes: \(top)\nignored:\n")
        case "services":
            return lines.joined(separator: "\n") + "\n"
                + yaml.replacingOccurrences(of: "    services:\n", with: "    services: \(top)\n    ignored:\n")
        case "routes":
            return lines.joined(separator: "\n") + "\n"
                + yaml.replacingOccurrences(of: "    routes:\n", with: "    routes: \(top)\n    ignored:\n")
        default:
            return lines.joined(separator: "\n") + "\n" + yaml + "\nunknown_key: \(top)\n"
        }
    }

    @Test(
        "sites.yaml: YAML anchor bombs (up to 10⁹ leaves) give located errors within seconds",
        arguments: ["communes", "services", "routes", "unknown"])
    func anchorBombs(place: String) {
        for (width, depth) in [(4, 3), (10, 4), (10, 9)] {
            let yaml = Self.bomb(width: width, depth: depth, at: place)
            #expect(
                Self.check(yaml, path: "/nonexistent/sites.yaml", "\(width)^\(depth) at \(place)\n\(yaml)") == .error)
        }
    }
}

/// Seeded damage to a few real features of the boundaries file, read by sites.yaml's cross-check
/// (`BoundaryCommunes.load`): the codes and names, or a failure saying where (a line and column, or a feature and
/// key, when the JSON parses), never a crash.
@Suite struct BoundaryCommunesMutationTests {
    static let alphabet = Array("{}[],:\"-.0123456789eE+ntrufalse\\".utf8) + [0x00, 0xFF, 0xC3]

    @Test("BoundaryCommunes.load: seeded byte mutations of three real features", arguments: [UInt64(31)])
    func mutatedFeatures(seed: UInt64) throws {
        let collection = try BoundarySample.threeFeatures()
        let directory = try Fixture.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/communes.geojson"
        try Data(collection).write(to: URL(fileURLWithPath: path))
        guard case .success(let original) = BoundaryCommunes.load(path: path) else {
            Issue.record("the unmutated sample does not load")
            return
        }
        #expect(original.names.count == 3)
        var random = SplitMix64(seed: seed)
        var loaded = 0
        var refused = 0
        for iteration in 0..<150 {
            let bytes = InputMutation.bytes(collection, alphabet: Self.alphabet, using: &random)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            switch BoundaryCommunes.load(path: path) {
            case .success(let communes):
                loaded += 1
                for (code, name) in communes.names {
                    #expect(
                        code.utf8.count == 5 && code.utf8.allSatisfy { $0 >= 48 && $0 <= 57 },
                        "seed \(seed) iteration \(iteration): code `\(code)` (\(name)) is not five digits")
                }
            case .failure(.notFound):
                Issue.record("seed \(seed) iteration \(iteration): the file vanished")
            case .failure(.unreadable(let message)):
                refused += 1
                // Known gap, left open: JSONDecoder on Linux gives no position for broken JSON ("The given data
                // was not valid JSON. at the top level"), so only schema problems name a feature.
                #expect(!message.isEmpty, "seed \(seed) iteration \(iteration)")
            }
        }
        #expect(loaded > 0 && refused > 0)
    }
}

/// A small boundaries file cut from the real one: its three smallest features, as the repository writes them.
enum BoundarySample {
    static func threeFeatures() throws -> [UInt8] {
        let data = try Data(contentsOf: URL(fileURLWithPath: RepositoryData.communesGeoJSON))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let features = root["features"] as? [[String: Any]]
        else { throw CocoaError(.fileReadCorruptFile) }
        let sized = try features.map { ($0, try JSONSerialization.data(withJSONObject: $0).count) }
        let smallest = sized.sorted { $0.1 < $1.1 }.prefix(3).map(\.0)
        let sample: [String: Any] = ["type": "FeatureCollection", "features": smallest]
        return Array(try JSONSerialization.data(withJSONObject: sample, options: [.sortedKeys]))
    }
}
