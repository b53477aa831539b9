// libFuzzer entry point for the packet decoders and the passive analyzer behind them.
//
// Input: byte 0 selects the link type; the rest is a sequence of frames, each a big-endian 16-bit length and
// that many bytes (a short last frame takes what is left). Every frame is decoded on its own and fed, with a
// timestamp drawn from its length, to a PassiveAnalyzer with a tiny flow table, whose reports are then built.
// Any crash, trap or out-of-bounds read (AddressSanitizer) is a bug; the decoders must count, not crash.

import NetworkAddress

let linkTypes: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .raw, .ipv4, .ipv6, .null, .loop]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let linkType = linkTypes[Int(input[0]) % linkTypes.count]
    var analyzer = PassiveAnalyzer(
        configuration: AnalyzerConfiguration(
            maximumFlows: 4, flowIdleTimeout: .milliseconds(5), icmpTimeout: .milliseconds(3),
            sites: SiteMap([(IPNetwork("10.0.0.0/8")!, "a"), (IPNetwork("::/0")!, "b")])),
        linkType: linkType)
    var offset = 1
    var time: Int64 = 1_700_000_000_000_000_000
    while offset < size {
        var length = size - offset
        if size - offset >= 2 {
            length = min(Int(input[offset]) << 8 | Int(input[offset + 1]), size - offset - 2)
            offset += 2
        }
        // Copy into an exact-size allocation so AddressSanitizer sees any read past the captured bytes.
        let frame = UnsafeMutableRawBufferPointer.allocate(byteCount: max(length, 0), alignment: 1)
        defer { frame.deallocate() }
        if length > 0 { frame.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[offset..<offset + length])) }
        let bytes = UnsafeRawBufferPointer(frame)
        _ = PacketDecoder.decode(PacketBytes(bytes), wireLength: length &* 3 / 2, linkType: linkType)
        time &+= Int64(length) &* 1_000_003
        analyzer.ingest(timestamp: time, wireLength: length, bytes: bytes)
        offset += length
    }
    _ = analyzer.intervalReport(now: time)
    _ = analyzer.finalReport()
    return 0
}
