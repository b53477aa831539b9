import Testing

@testable import SiteCatalog

/// "Did you mean" distances and suggestions.
@Suite struct EditDistanceTests {
    @Test func distances() {
        #expect(EditDistance.between("gateway", "gatway") == 1)
        #expect(EditDistance.between("icmp", "icpm") == 1)
        #expect(EditDistance.between("kitten", "sitting") == 3)
        #expect(EditDistance.between("", "abc") == 3)
        #expect(EditDistance.between("5G", "5g") == 0)
    }

    @Test func suggestions() {
        #expect(EditDistance.suggestion(for: "gatway", among: ["gateway", "subnet"]) == "gateway")
        #expect(EditDistance.suggestion(for: "colour", among: ["datacenter", "supernet"]) == nil)
    }
}
