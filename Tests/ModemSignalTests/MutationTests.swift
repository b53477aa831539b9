import Foundation
import ModemSignal
import NetmonLab
import Testing

/// Random mutations of every recorded sample: the parsers give a reading or a `ModemSignalError`, never a crash,
/// and every value they give is finite.
@Suite struct MutationTests {
    static let samples = [
        "mmcli-signal-gsm-comma-locale.json", "mmcli-signal-lte-rssi-only.json", "mmcli-modem-quectel-eg25-lte.json",
        "qmicli-signal-rm500q-nsa.txt", "qmicli-signal-lte.txt", "qmicli-serving-system-lte.txt", "quectel-endc.txt",
        "quectel-nr5g-sa-dito.txt", "quectel-wcdma.txt", "quectel-rm500q-endc-via-mmcli.txt",
    ]
    /// Bytes that matter to the formats, and a few that do not.
    static let alphabet = Array(#"0123456789-.,:'" {}[]\n\rE+eNaInf"#.utf8) + [0, 0xFF, 0xC3]

    @Test(arguments: samples) func mutatedSamplesNeverCrash(name: String) throws {
        let original = Array(try Fixture.data(name))
        let modem = try Fixture.data("mmcli-modem-quectel-eg25-lte.json")
        let signal = try Fixture.data("mmcli-signal-lte-rssi-only.json")
        let serving = try Fixture.text("qmicli-serving-system-lte.txt")
        let qmiSignal = try Fixture.text("qmicli-signal-lte.txt")
        var random = SplitMix64(seed: UInt64(name.utf8.count) &* 0x9E37_79B9)
        var readings = 0
        var errors = 0
        for _ in 0..<400 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                guard !bytes.isEmpty else { break }
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[position] = Self.alphabet.randomElement(using: &random) ?? 0
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(Self.alphabet.randomElement(using: &random) ?? 0, at: position)
                default:
                    bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...40, using: &random)))
                }
            }
            let data = Data(bytes)
            let text = String(decoding: data, as: UTF8.self)
            let outcomes: [Result<ModemSignalReading, ModemSignalError>] = [
                Result { () throws(ModemSignalError) in
                    try MMCLISignalParser.parse(signal: data, modem: modem, time: Fixture.time)
                },
                Result { () throws(ModemSignalError) in
                    try MMCLISignalParser.parse(signal: signal, modem: data, time: Fixture.time)
                },
                Result { () throws(ModemSignalError) in
                    try QMICLISignalParser.parse(signal: text, servingSystem: serving, time: Fixture.time)
                },
                Result { () throws(ModemSignalError) in
                    try QMICLISignalParser.parse(signal: qmiSignal, servingSystem: text, time: Fixture.time)
                },
                Result { () throws(ModemSignalError) in try QuectelServingCellParser.parse(text, time: Fixture.time) },
            ]
            for outcome in outcomes {
                switch outcome {
                case .success(let reading):
                    readings += 1
                    #expect(reading.metrics.allSatisfy { $0.value.isFinite })
                case .failure(let error):
                    errors += 1
                    #expect(!error.context.isEmpty && !error.message.isEmpty)
                }
            }
        }
        // Both outcomes happen: the mutations reach the number and structure checks, not only one path.
        #expect(readings > 0)
        #expect(errors > 0)
    }
}
