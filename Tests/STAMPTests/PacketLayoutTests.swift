import Foundation
import TestSupport
import Testing

@testable import STAMP

/// The test packets byte by byte against RFC 8762's figures (with RFC 8972's SSID), and the HMAC against Python's
/// hmac module.
@Suite("STAMP test packets: layouts, HMAC, errors")
struct PacketLayoutTests {
    static let t1 = PacketTimestamp(rawValue: 0x1122_3344_5566_7788)
    static let t2 = PacketTimestamp(rawValue: 0x2122_2324_2526_2728)
    static let t3 = PacketTimestamp(rawValue: 0x3132_3334_3536_3738)
    static let senderEstimate = ErrorEstimate(rawValue: 0x8A05)
    static let reflectorEstimate = ErrorEstimate(rawValue: 0x8B07)

    static let sender = SenderTestPacket(
        sequence: 0xA1A2_A3A4, timestamp: t1, errorEstimate: senderEstimate, ssid: 0xBEEF)
    static let reflector = ReflectorTestPacket(
        sequence: 0xC1C2_C3C4, timestamp: t3, errorEstimate: reflectorEstimate, ssid: 0xBEEF, receiveTimestamp: t2,
        senderSequence: 0xA1A2_A3A4, senderTimestamp: t1, senderErrorEstimate: senderEstimate, senderTTL: 61)

    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.filter { !$0.isWhitespace })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    @Test("unauthenticated Session-Sender packet: 44 octets, fields where RFC 8762 §4.2.1 puts them")
    func unauthenticatedSender() throws {
        let bytes = Self.sender.encoded()
        var expected = Self.hex("A1A2A3A4 1122334455667788 8A05 BEEF")
        expected += [UInt8](repeating: 0, count: 28)
        #expect(bytes == expected)
        #expect(try SenderTestPacket(decoding: bytes) == Self.sender)
    }

    @Test("unauthenticated Session-Reflector packet: 44 octets, fields where RFC 8762 §4.3.1 puts them")
    func unauthenticatedReflector() throws {
        let bytes = Self.reflector.encoded()
        let expected = Self.hex(
            """
            C1C2C3C4 3132333435363738 8B07 BEEF 2122232425262728 A1A2A3A4 1122334455667788 8A05 0000 3D 000000
            """)
        #expect(bytes.count == 44)
        #expect(bytes == expected)
        #expect(try ReflectorTestPacket(decoding: bytes) == Self.reflector)
    }

    @Test("authenticated packets: 112 octets, MBZ gaps of RFC 8762 §4.2.2 and §4.3.2, HMAC as Python computes it")
    func authenticated() throws {
        let keyBytes = Array(0..<32).map { UInt8($0 * 7 + 1) }
        let key = try #require(STAMPKey(bytes: keyBytes))
        let sender = Self.sender.encoded(key: key)
        #expect(sender.count == 112)
        #expect(Array(sender[0..<4]) == Self.hex("A1A2A3A4"))
        #expect(sender[4..<16].allSatisfy { $0 == 0 })
        #expect(Array(sender[16..<24]) == Self.hex("1122334455667788"))
        #expect(Array(sender[24..<28]) == Self.hex("8A05BEEF"))
        #expect(sender[28..<96].allSatisfy { $0 == 0 })
        let reflector = Self.reflector.encoded(key: key)
        #expect(reflector.count == 112)
        let fields: [(Range<Int>, String)] = [
            (0..<4, "C1C2C3C4"), (16..<24, "3132333435363738"), (24..<28, "8B07BEEF"),
            (32..<40, "2122232425262728"), (48..<52, "A1A2A3A4"), (64..<72, "1122334455667788"),
            (72..<74, "8A05"), (80..<81, "3D"),
        ]
        for (range, value) in fields { #expect(Array(reflector[range]) == Self.hex(value), "\(range)") }
        for range in [4..<16, 28..<32, 40..<48, 52..<64, 74..<80, 81..<96] {
            #expect(reflector[range].allSatisfy { $0 == 0 }, "MBZ \(range)")
        }
        // The HMAC: HMAC-SHA-256 over the first 96 octets, first 16 octets kept, computed by Python.
        for packet in [sender, reflector] {
            let script = """
                import hmac, hashlib, sys
                key = bytes.fromhex(sys.argv[1]); data = bytes.fromhex(sys.argv[2])
                print(hmac.new(key, data[:96], hashlib.sha256).digest()[:16].hex())
                """
            let run = try Shell.run([
                "python3", "-c", script, keyBytes.map { String(format: "%02x", $0) }.joined(),
                packet.map { String(format: "%02x", $0) }.joined(),
            ])
            #expect(
                run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                    == packet[96..<112].map { String(format: "%02x", $0) }.joined())
        }
        #expect(try SenderTestPacket(decoding: sender, key: key) == Self.sender)
        #expect(try ReflectorTestPacket(decoding: reflector, key: key) == Self.reflector)
        // Any changed octet fails (MBZ octets are covered by the HMAC too), and so does another key.
        for offset in 0..<112 {
            var changed = reflector
            changed[offset] ^= 0x01
            #expect(throws: STAMPPacketError.self) { try ReflectorTestPacket(decoding: changed, key: key) }
        }
        let other = try #require(STAMPKey(bytes: [UInt8](repeating: 9, count: 16)))
        let error = try #require(throws: STAMPPacketError.self) { try SenderTestPacket(decoding: sender, key: other) }
        #expect(error.code == .badHMAC && error.offset == 96)
        #expect(STAMPKey(bytes: [UInt8](repeating: 1, count: 15)) == nil)
    }

    @Test("malformed packets: a clear error with the offset")
    func errors() throws {
        let short = try #require(throws: STAMPPacketError.self) {
            try SenderTestPacket(decoding: [UInt8](repeating: 0, count: 43))
        }
        #expect(short.code == .truncated && short.offset == 43)
        #expect(short.description.contains("43 octets are fewer than the 44"))
        var zero = Self.sender.encoded()
        zero[13] = 0
        let estimate = try #require(throws: STAMPPacketError.self) { try SenderTestPacket(decoding: zero) }
        #expect(estimate.code == .badErrorEstimate && estimate.offset == 13)
        var tlv = Self.sender.encoded()
        tlv += [0, 1, 0, 9, 0, 0]  // Extra Padding declaring 9 octets, 2 present
        let overrun = try #require(throws: STAMPPacketError.self) { try SenderTestPacket(decoding: tlv) }
        #expect(overrun.code == .badTLV && overrun.offset == 46)
        let stub = try #require(throws: STAMPPacketError.self) {
            try SenderTestPacket(decoding: Self.sender.encoded() + [0, 1])
        }
        #expect(stub.code == .badTLV && stub.offset == 44)
    }

    @Test("TLVs: an Extra Padding TLV pads to the asked length and decodes back")
    func padding() throws {
        var packet = Self.sender
        packet.tlvs = [.extraPadding(totalLength: 56)]
        let bytes = packet.encoded()
        #expect(bytes.count == 100)
        #expect(Array(bytes[44..<48]) == [0, 1, 0, 52])
        #expect(try SenderTestPacket(decoding: bytes) == packet)
    }

    @Test("NTP and PTP timestamps: epoch, half seconds, era 1 after 2036, nanosecond round trips")
    func timestamps() {
        #expect(PacketTimestamp(unixNanoseconds: 0).rawValue == 2_208_988_800 << 32)
        let half = PacketTimestamp(unixNanoseconds: 1_767_225_600_500_000_000)
        #expect(half.seconds == UInt32(1_767_225_600 + 2_208_988_800))
        #expect(half.fraction == 0x8000_0000)
        // 2040-01-01: NTP seconds have wrapped (era 1).
        let later: Int64 = 2_208_988_800_000_000_000 + 123_456_789
        let wrapped = PacketTimestamp(unixNanoseconds: later)
        #expect(wrapped.seconds < 0x8000_0000)
        #expect(wrapped.unixNanoseconds() == later)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            let time = Int64.random(in: 0...4_000_000_000_000_000_000, using: &generator)
            #expect(abs(PacketTimestamp(unixNanoseconds: time).unixNanoseconds() - time) <= 1)
            #expect(PacketTimestamp(unixNanoseconds: time, format: .ptp).unixNanoseconds(format: .ptp) == time)
        }
    }

    @Test("Error Estimate: S, Z, scale and multiplier bits; the error is never understated")
    func errorEstimate() {
        let estimate = ErrorEstimate(isSynchronized: true, format: .ptp, scale: 0x21, multiplier: 0x7F)
        #expect(estimate.rawValue == 0b1_1_100001_0000_0000 | 0x7F)
        #expect(estimate.isSynchronized && estimate.timestampFormat == .ptp)
        #expect(estimate.seconds == 127 * 2.0)
        for error in [0.0, 1e-9, 1e-6, 0.000_5, 0.001, 0.25, 1, 16, 1e5] {
            let encoded = ErrorEstimate(isSynchronized: false, errorSeconds: error)
            #expect(!encoded.isSynchronized && encoded.timestampFormat == .ntp && encoded.isValid)
            #expect(encoded.seconds >= error, "\(error)")
            #expect(encoded.seconds <= error * (1 + 1.0 / 127) + 0x1p-32, "\(error) → \(encoded.seconds)")
        }
        #expect(ErrorEstimate(isSynchronized: true, errorSeconds: .nan).seconds > 1e10)
    }
}
