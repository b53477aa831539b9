import NetmonLab
import Testing

@testable import STAMP

/// libFuzzer-style property test of the decoders: random and mutated inputs never crash; each either decodes (and
/// then re-encodes to an input that decodes the same) or throws a STAMPPacketError whose offset lies in the packet.
@Suite("STAMP decoders on random and mutated input")
struct DecoderFuzzTests {
    static func check(_ bytes: [UInt8], key: STAMPKey?) {
        do {
            let packet = try SenderTestPacket(decoding: bytes, key: key)
            #expect(try SenderTestPacket(decoding: packet.encoded(key: key), key: key) == packet)
        } catch {
            #expect(error.offset >= 0 && error.offset <= bytes.count, "\(error) for \(bytes.count) octets")
        }
        do {
            let packet = try ReflectorTestPacket(decoding: bytes, key: key)
            #expect(try ReflectorTestPacket(decoding: packet.encoded(key: key), key: key) == packet)
        } catch {
            #expect(error.offset >= 0 && error.offset <= bytes.count, "\(error) for \(bytes.count) octets")
        }
    }

    @Test("50,000 random inputs of 0–200 octets and 50,000 mutations of valid packets", arguments: [1, 2] as [UInt64])
    func fuzz(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let key = try #require(STAMPKey(bytes: (0..<32).map { UInt8($0) }))
        for index in 0..<50_000 {
            let length = Int.random(in: 0...200, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            Self.check(bytes, key: index % 4 == 0 ? key : nil)
        }
        let seeds: [[UInt8]] = [
            PacketLayoutTests.sender.encoded(), PacketLayoutTests.reflector.encoded(),
            SenderTestPacket(
                sequence: 7, timestamp: .init(rawValue: 1), errorEstimate: .init(rawValue: 1),
                tlvs: [.extraPadding(totalLength: 12), STAMPTLV(type: 9, value: [1, 2, 3])]
            ).encoded(),
        ]
        for index in 0..<50_000 {
            var bytes = seeds[index % seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                switch Int.random(in: 0..<4, using: &generator) {
                case 0 where !bytes.isEmpty:
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(
                        in: 1...255, using: &generator)
                case 1 where !bytes.isEmpty:
                    bytes.removeLast(Int.random(in: 1...min(8, bytes.count), using: &generator))
                case 2:
                    bytes += (0..<Int.random(in: 1...8, using: &generator)).map { _ in
                        UInt8.random(in: 0...255, using: &generator)
                    }
                default:
                    if bytes.count > 46 { bytes[46] = 0xFF }  // a TLV length far past the end
                }
            }
            Self.check(bytes, key: nil)
        }
    }
}
