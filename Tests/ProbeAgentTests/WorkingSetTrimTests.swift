import Foundation
import NetMonitor
import Testing

@testable import ProbeAgent

@Suite struct WorkingSetTrimTests {
    static let sample = """
        55e0a0000000-55e0a0100000 r--p 00000000 fe:00 6459154                    /opt/netmon/bin/netmon gateway
        Size:               1024 kB
        Rss:	             380 kB
        Anonymous:             0 kB
        55e0a0100000-55e0a0900000 r-xp 00100000 fe:00 6459154                    /opt/netmon/bin/netmon gateway
        Rss:                6000 kB
        Anonymous:             0 kB
        55e0a0900000-55e0a0a00000 r--p 00900000 fe:00 6459154                    /opt/netmon/bin/netmon gateway
        Rss:                1024 kB
        Anonymous:          1024 kB
        55e0a0a00000-55e0a0b00000 rw-p 00a00000 fe:00 6459154                    /opt/netmon/bin/netmon gateway
        Rss:                 900 kB
        Anonymous:           100 kB
        55e0a1000000-55e0a1100000 rw-p 00000000 00:00 0                          [heap]
        Rss:                 512 kB
        Anonymous:           512 kB
        7f0000000000-7f0000001000 r--s 00000000 00:0e 123                        /dev/shm/ring
        Rss:                   4 kB
        Anonymous:             0 kB
        7f0000002000-7f0000003000 r-xp 00000000 00:00 0                          [vdso]
        Rss:                   4 kB
        7f0000004000-7f0000005000 ---p 00000000 00:00 0
        Rss:                   0 kB
        garbage line without meaning
        VmFlags: rd ex mr mw me sd
        """

    @Test("smaps text parses into mappings with their resident and anonymous sizes")
    func parsesSmaps() {
        let mappings = WorkingSetTrim.parseSmaps(Self.sample)
        #expect(mappings.count == 8)
        #expect(mappings[0].start == 0x55e0_a000_0000 && mappings[0].end == 0x55e0_a010_0000)
        #expect(mappings[0].path == "/opt/netmon/bin/netmon gateway" && mappings[0].residentKiB == 380)
        #expect(mappings[1].permissions == "r-xp" && mappings[1].residentKiB == 6000)
        #expect(mappings[2].anonymousKiB == 1024)
        #expect(mappings[4].path == "[heap]")
        #expect(mappings[7].path == "" && mappings[7].permissions == "---p")
    }

    @Test("only private read-only file mappings without written pages are dropped")
    func selectsCleanFileCopies() {
        let chosen = WorkingSetTrim.parseSmaps(Self.sample).filter(\.isCleanFileCopy).map(\.permissions)
        // Code and read-only data of the file: yes. RELRO (anonymous pages), data, heap, shared, vdso, guard: no.
        #expect(chosen == ["r--p", "r-xp"])
    }

    @Test("a trim of this process releases its clean pages and the code keeps running")
    func trimsThisProcess() throws {
        let before = WorkingSetTrim.parseSmaps(try #require(Self.smaps())).filter(\.isCleanFileCopy)
        let residentBefore = before.reduce(0) { $0 + $1.residentKiB }
        let report = WorkingSetTrim.run()
        #expect(report.mappings > 0)
        #expect(report.releasedKiB > 0)
        #expect(report.residentBeforeKiB != nil && report.residentAfterKiB != nil)
        // What the trim let go of: most of the clean file pages that were resident just before.
        #expect(
            report.releasedKiB > residentBefore / 2, "released \(report.releasedKiB) of \(residentBefore) KiB")
        // Read again here: still fewer. Other suites of this process run meanwhile and fault pages back in (on a
        // loaded CI machine over half of them within a second), so only "fewer" is asserted here.
        let after = WorkingSetTrim.parseSmaps(try #require(Self.smaps())).filter(\.isCleanFileCopy)
        let residentAfter = after.reduce(0) { $0 + $1.residentKiB }
        #expect(residentAfter < residentBefore, "before \(residentBefore) KiB, after \(residentAfter) KiB")
        // Code and data that were dropped still work: a checksum of a known vector (RFC 1071 example).
        #expect(InternetChecksum.compute([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]) == ~UInt16(0xddf2))
    }

    static func smaps() -> String? {
        (try? String(contentsOfFile: "/proc/self/smaps", encoding: .utf8))
    }
}
