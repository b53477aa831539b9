import Foundation
import NetmonLab
import NetmonProtocol
import TestSupport
import Testing

/// The ingest route's fast decoder against `JSONDecoder` on seeded random damage to valid batches: the fast path may
/// refuse anything (the route then falls back to `JSONDecoder`, which decides), but what it accepts `JSONDecoder`
/// accepts too, with an equal value. Generic over the wire type, so a type that gains fields or a fast path of its
/// own joins by one call. `GatewaySignalBatch` has no fast path (its route uses `JSONDecoder` only), so it has no
/// differential here. The seed is in the arguments.
@Suite("Ingest decoding: the fast path against JSONDecoder on mutated batches")
struct IngestDecodingMutationTests {
    struct Tally {
        var fast = 0
        var slowOnly = 0
        var neither = 0
    }

    /// Decodes `data` both ways and checks that the fast decoder never accepts what `JSONDecoder` refuses or reads
    /// differently.
    static func compare<T: Decodable & Equatable>(
        _ data: Data, as type: T.Type, fast: (UnsafeRawBufferPointer) -> T?, _ note: @autoclosure () -> String,
        into tally: inout Tally
    ) {
        let slow = try? WireCoding.makeDecoder().decode(T.self, from: data)
        guard let quick = data.withUnsafeBytes({ fast($0) }) else {
            if slow == nil { tally.neither += 1 } else { tally.slowOnly += 1 }
            return
        }
        tally.fast += 1
        #expect(
            slow == quick,
            "\(note()): the fast path accepted what JSONDecoder \(slow == nil ? "refuses" : "reads differently"): \(String(decoding: data.prefix(600), as: UTF8.self))"
        )
    }

    /// Bytes that matter to JSON and to the fields (times, numbers, escapes).
    static let alphabet = Array("{}[],:\"\\-.0123456789eE+ ntrufalsTZ:u".utf8) + [0x00, 0xFF, 0xC3, 0x0A]

    /// Every value of `valid` mutated `iterations` times: bytes, and whole values swapped for hostile ones (JSON's
    /// separators put on lines of their own so that a line is one key and value).
    static func run<T: Decodable & Equatable>(
        _ type: T.Type, valid: [Data], fast: (UnsafeRawBufferPointer) -> T?, seed: UInt64, iterations: Int
    ) -> Tally {
        var random = SplitMix64(seed: seed)
        var tally = Tally()
        let values =
            InputMutation.hostileValues.map { "\($0)" } + InputMutation.hostileValues.map { "\"\($0)\"" } + [
                "\"2026-02-29T06:00:00Z\"", "\"2026-11-29T06:00:00.5Z\"", "\"2026-11-29T06:00:60Z\"",
                "\"9999-12-31T23:59:59Z\"", "\"0000-01-01T00:00:00Z\"", "\"2026-11-29T06:00:00+07:00\"",
                "\"\\u0041\\ud83d\\ude00\"", "[]", "{}", "[1e400]", "[-0.0, 5e-324]", "1.0", "1e2", "-0",
            ]
        for (index, original) in valid.enumerated() {
            #expect(
                original.withUnsafeBytes { fast($0) } != nil,
                "the fast path refuses an unmutated batch: \(String(decoding: original.prefix(300), as: UTF8.self))")
            for iteration in 0..<iterations {
                let note = "seed \(seed) batch \(index) iteration \(iteration)"
                if Bool.random(using: &random) {
                    let bytes = InputMutation.bytes(Array(original), alphabet: Self.alphabet, using: &random)
                    Self.compare(Data(bytes), as: T.self, fast: fast, note, into: &tally)
                } else {
                    let text = String(decoding: original, as: UTF8.self).replacingOccurrences(of: ",", with: ",\n")
                    let mutated = InputMutation.lines(text, separator: ":", values: values, using: &random)
                    Self.compare(Data(mutated.utf8), as: T.self, fast: fast, note, into: &tally)
                }
            }
        }
        return tally
    }

    @Test("ProbeRoundBatch: what decodeFast accepts, JSONDecoder reads the same", arguments: [UInt64(91), 92])
    func probeRoundBatch(seed: UInt64) throws {
        var generator = SplitMix(seed: seed)
        let encoder = WireCoding.makeEncoder()
        let valid = try (0..<12).map { _ in try encoder.encode(FastWireDecodingTests.randomBatch(&generator)) }
        let tally = Self.run(
            ProbeRoundBatch.self, valid: valid, fast: { ProbeRoundBatch.decodeFast($0) }, seed: seed, iterations: 150)
        // The mutations reach all three outcomes: taken, left for JSONDecoder, refused by both.
        #expect(tally.fast > 0 && tally.slowOnly > 0 && tally.neither > 0, "\(tally)")
    }
}
