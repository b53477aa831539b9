import Testing

@testable import CoverageModel

@Suite("H3Index")
struct H3IndexTests {
    @Test func parsesAndPrintsHex() throws {
        let cell = try #require(H3Index(string: "8865b54cb5fffff"))
        #expect(cell.description == "8865b54cb5fffff")
        #expect(cell.resolution == 8)
        #expect(cell.baseCell == 50)
        #expect(!cell.isPentagon)
        #expect(H3Index(string: "0x8865B54CB5FFFFF") == cell)
    }

    @Test func rejectsInvalid() {
        #expect(H3Index(string: "") == nil)
        #expect(H3Index(string: "zz") == nil)
        #expect(H3Index(string: "0") == nil)
        // Digit beyond the resolution must be 7.
        #expect(H3Index(string: "8865b54cb5ffff0") == nil)
        // Base cell 122 does not exist.
        #expect(H3Index(string: "80f5fffffffffff") == nil)
        // A pentagon (base cell 4) whose first non-zero digit is 1 (the deleted K axis).
        #expect(H3Index(string: "81087ffffffffff") == nil)
        #expect(H3Index(string: "8108bffffffffff") != nil)
    }

    @Test func pentagons() throws {
        let res0 = try #require(H3Index(string: "8009fffffffffff"))
        #expect(res0.isPentagon)
        #expect(res0.baseCell == 4)
        let res2 = try #require(H3Index(string: "820807fffffffff"))
        #expect(res2.isPentagon)
        #expect(!(try #require(H3Index(string: "8001fffffffffff"))).isPentagon)
    }
}
