import Testing

@testable import NetMonitor

@Suite("Internet checksum (RFC 1071)")
struct InternetChecksumTests {
    @Test("RFC 1071 §3 example: 0001 f203 f4f5 f6f7 sums to ddf2, checksum 220d")
    func rfc1071Example() {
        #expect(InternetChecksum.compute([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]) == 0x220D)
    }

    @Test("an odd trailing byte is padded with zero at the end")
    func oddLength() {
        #expect(InternetChecksum.compute([0x01]) == 0xFEFF)
        #expect(InternetChecksum.compute([0x12, 0x34, 0x56]) == ~UInt16(0x1234 + 0x5600))
    }

    @Test("runs of any length continue one another")
    func splitRuns() {
        let whole: [UInt8] = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7, 0x42]
        for cut in 0...whole.count {
            var checksum = InternetChecksum()
            checksum.add(whole[..<cut])
            whole[cut...].withUnsafeBytes { checksum.add($0) }
            #expect(checksum.value == InternetChecksum.compute(whole), "cut at \(cut)")
        }
    }

    @Test("carries fold back in: 0800 + ffff + ffff = 0800, checksum f7ff")
    func carries() {
        #expect(InternetChecksum.compute([0x08, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF]) == 0xF7FF)
    }

    @Test("a message that carries its own checksum verifies to zero")
    func verifiesToZero() {
        let packet: [UInt8] = [0x08, 0x00, 0x21, 0x04, 0x12, 0x34, 0x00, 0x01, 0x61, 0x62, 0x63, 0x64]
        #expect(InternetChecksum.compute(packet) == 0)
        var corrupted = packet
        corrupted[9] ^= 0x01
        #expect(InternetChecksum.compute(corrupted) != 0)
    }
}
