import Testing

@testable import NetMonitor

/// The engine's prepared echo requests against the plain encoder: same bytes, same ICMPv4 checksum.
@Suite("Echo request template")
struct EchoRequestTemplateTests {
    @Test(
        "every payload size and probe number gives the bytes ICMPEcho.encoded() gives",
        arguments: [0, 1, 7, 15, 16, 17, 56, 57, 1_400])
    func matchesEncoder(payloadSize: Int) throws {
        let payload = ProbePayload(nonce: 0x0123_4567_89AB_CDEF)
        let identifier: UInt16 = 0xBEEF
        let template = EchoRequestTemplate(identifier: identifier, payload: payload, payloadSize: payloadSize)
        defer { template.deallocate() }
        for family in [IPFamily.v4, .v6] {
            for probe in [0, 1, 255, 256, 65_535, 65_536, 1 << 40, 3, 0] {
                var body = [UInt8](repeating: 0xAA, count: payloadSize)
                body.withUnsafeMutableBytes { payload.write(probe: probe, into: $0) }
                let expected = ICMPEcho(
                    family: family, kind: .request, identifier: identifier,
                    sequence: UInt16(truncatingIfNeeded: probe), payload: body
                ).encoded()
                let prepared = Array(template.prepare(family: family, probe: probe))
                #expect(prepared == expected, "\(family) probe \(probe) payload \(payloadSize)")
                if family == .v4 {
                    #expect(InternetChecksum.compute(prepared) == 0)
                    let decoded = try ICMPEcho(decoding: prepared, family: .v4)
                    #expect(payload.read(decoded.payload) == (payloadSize >= 16 ? .probe(probe) : .noCookie))
                }
            }
        }
    }
}
