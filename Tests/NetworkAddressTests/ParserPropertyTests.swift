import NetmonLab
import NetworkAddress
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The parser against the C library's `inet_pton` on random and mutated text: the same verdict and the same bits
/// on every string, and canonical text that parses back to the same address. NetmonLab's seeded SplitMix64 makes
/// every run check the same strings, so a failure names one that fails again.
@Suite struct ParserPropertyTests {
    /// `inet_pton`'s reading of `text`, IPv6 when it has a colon (as sites.yaml was read before), as 128 bits
    /// with IPv4 mapped; nil when it refuses. Text with a NUL is left out: C would stop reading there.
    static func reference(_ text: String) -> IPAddress? {
        if text.contains(":") {
            var raw = in6_addr()
            guard inet_pton(AF_INET6, text, &raw) == 1 else { return nil }
            return withUnsafeBytes(of: raw) { IPAddress(bytes: Array($0)) }
        }
        var raw = in_addr()
        guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
        return IPAddress(ipv4: UInt32(bigEndian: raw.s_addr))
    }

    static let alphabet = Array("0123456789abcdefABCDEFg.:::..//x -+")

    static func randomText(_ random: inout SplitMix64) -> String {
        let length = Int.random(in: 0...24, using: &random)
        return String((0..<length).map { _ in Self.alphabet.randomElement(using: &random) ?? "0" })
    }

    /// A valid address's text with one to three random edits (insert, delete, replace).
    static func mutatedText(_ random: inout SplitMix64) -> String {
        var characters = Array(Self.validText(&random))
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let index = Int.random(in: 0...characters.count, using: &random)
            let character = Self.alphabet.randomElement(using: &random) ?? "0"
            switch Int.random(in: 0..<3, using: &random) {
            case 0: characters.insert(character, at: index)
            case 1 where index < characters.count: characters.remove(at: index)
            default: if index < characters.count { characters[index] = character }
            }
        }
        return String(characters)
    }

    /// Valid text of a random address in one of the forms people write: dotted quad, full, compressed, with an
    /// IPv4 tail, upper case, with leading zeros in groups.
    static func validText(_ random: inout SplitMix64) -> String {
        let octets = (0..<4).map { _ in String(UInt8.random(in: 0...255, using: &random)) }
        if Bool.random(using: &random) { return octets.joined(separator: ".") }
        var groups = (0..<8).map { _ in
            UInt16.random(in: 0...UInt16.max, using: &random) >> (UInt16.random(in: 0...16, using: &random))
        }.map { String($0, radix: 16, uppercase: Bool.random(using: &random)) }
        if groups[0].count < 4, Int.random(in: 0..<4, using: &random) == 0 { groups[0] = "0" + groups[0] }
        let tail = Int.random(in: 0..<4, using: &random) == 0
        if tail { groups.replaceSubrange(6..<8, with: [octets.joined(separator: ".")]) }
        if Bool.random(using: &random) {
            // `::` stands for one group or more.
            let start = Int.random(in: 0..<groups.count, using: &random)
            let end = Int.random(in: (start + 1)...groups.count, using: &random)
            return groups[..<start].joined(separator: ":") + "::" + groups[end...].joined(separator: ":")
        }
        return groups.joined(separator: ":")
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func sameVerdictAsInetPton(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var accepted = 0
        for round in 0..<40_000 {
            let text =
                switch round % 3 {
                case 0: Self.randomText(&random)
                case 1: Self.mutatedText(&random)
                default: Self.validText(&random)
                }
            let ours = IPAddress(text)
            #expect(ours == Self.reference(text), "\(text.debugDescription)")
            if ours != nil { accepted += 1 }
        }
        // The valid third and some mutations parse: the comparison covered both verdicts.
        #expect(accepted > 13_000 && accepted < 35_000)
    }

    @Test func canonicalTextRoundTrips() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let address =
                Bool.random(using: &random)
                ? IPAddress(ipv4: UInt32.random(in: 0...UInt32.max, using: &random))
                : IPAddress(
                    high: random.next() >> UInt64.random(in: 0...63, using: &random) | 1,
                    low: random.next() >> UInt64.random(in: 0...64, using: &random))
            #expect(IPAddress(address.description) == address, "\(address)")
            guard address.isIPv6 else { continue }
            // With the high half non-zero glibc writes no dotted tail, so its text must equal ours.
            var raw = in6_addr()
            withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: address.bytes) }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let written = inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil
            #expect(written)
            let glibc = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            #expect(address.description == glibc)
        }
    }

    @Test func networksAgainstAddresses() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let text = Self.validText(&random)
            guard let address = IPAddress(text) else {
                Issue.record("valid text \(text.debugDescription) refused")
                continue
            }
            let length = Int.random(in: 0...address.bitWidth, using: &random)
            let network = IPNetwork(containing: address, prefixLength: length)
            #expect(network.contains(address))
            #expect(IPNetwork(network.description) == network)
            #expect(IPNetwork("\(text)/\(length)") == (network.address == address ? network : nil))
            #expect(network.lastAddress == address || network.contains(network.lastAddress))
        }
    }
}
