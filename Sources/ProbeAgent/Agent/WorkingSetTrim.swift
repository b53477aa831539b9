import CNetShims

#if canImport(Glibc)
    import Glibc
#endif

/// Hands back to the kernel the pages a long-running process touched while starting and no longer uses.
///
/// Start-up (argument parsing, sites.yaml, the Swift runtime's first type lookups, opening the store) runs code and
/// reads tables that the steady state never touches again, yet they stay mapped and count in the resident set.
/// On a gateway the resident set is the budget, so the daemon and `ping` drop them once start-up is over:
///
/// - **Read-only file mappings** (code, `.eh_frame`, read-only tables of the executable and its libraries) get
///   `MADV_DONTNEED`. Their pages are clean copies of the file, so nothing is lost: a page still in use is mapped
///   again from the page cache on its next access (a minor fault, no disk read). A mapping holding any anonymous
///   page (RELRO data the loader wrote before making it read-only) is left alone, as is every writable mapping,
///   so no data can be discarded.
/// - **The heap**: `malloc_trim(0)` returns freed memory inside and at the top of the heap.
///
/// It works for any user (unlike `MADV_PAGEOUT`, which may only evict pages of files the caller could write) and
/// leaves the page cache as it is.
public enum WorkingSetTrim {
    /// One mapping of `/proc/self/smaps`, as far as the trim needs it.
    public struct Mapping: Sendable, Equatable {
        public var start: UInt
        public var end: UInt
        /// `r`, `w`, `x`, `p`/`s` as in `/proc/PID/maps`, e.g. `r-xp`.
        public var permissions: String
        /// The file, or a bracketed name such as `[heap]`, or empty for anonymous memory.
        public var path: String
        /// Resident and anonymous KiB of the mapping.
        public var residentKiB: Int
        public var anonymousKiB: Int

        public init(
            start: UInt, end: UInt, permissions: String, path: String, residentKiB: Int = 0, anonymousKiB: Int = 0
        ) {
            self.start = start
            self.end = end
            self.permissions = permissions
            self.path = path
            self.residentKiB = residentKiB
            self.anonymousKiB = anonymousKiB
        }

        /// A private, read-only mapping of a file with no anonymous (written) page: dropping its pages loses
        /// nothing.
        public var isCleanFileCopy: Bool {
            let flags = Array(permissions.utf8)
            return flags.count == 4 && flags[0] == UInt8(ascii: "r") && flags[1] == UInt8(ascii: "-")
                && flags[3] == UInt8(ascii: "p") && path.hasPrefix("/") && anonymousKiB == 0
        }
    }

    /// What one trim did.
    public struct Report: Sendable, Equatable {
        /// Mappings advised, and their resident KiB just before.
        public var mappings = 0
        public var releasedKiB = 0
        /// The process's resident set (VmRSS) before and after, in KiB; nil where `/proc` could not be read.
        public var residentBeforeKiB: Int?
        public var residentAfterKiB: Int?
    }

    /// Drops the clean file-backed pages of this process and trims the heap. Safe to call at any time from any
    /// thread; other threads simply fault their code back in.
    @discardableResult
    public static func run() -> Report {
        var report = Report()
        report.residentBeforeKiB = residentKiB()
        if let text = readProcFile("/proc/self/smaps") {
            for mapping in parseSmaps(text) where mapping.isCleanFileCopy && mapping.residentKiB > 0 {
                guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
                if madvise(address, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 {
                    report.mappings += 1
                    report.releasedKiB += mapping.residentKiB
                }
            }
        }
        malloc_trim(0)
        report.residentAfterKiB = residentKiB()
        return report
    }

    /// Parses the text of `/proc/PID/smaps`: each mapping's header line and its `Rss:` and `Anonymous:` fields.
    /// Lines it does not understand are skipped.
    public static func parseSmaps(_ text: String) -> [Mapping] {
        var mappings: [Mapping] = []
        for line in text.split(separator: "\n") {
            if let mapping = parseHeader(line) {
                mappings.append(mapping)
            } else if !mappings.isEmpty, let (field, kib) = parseField(line) {
                switch field {
                case "Rss": mappings[mappings.count - 1].residentKiB = kib
                case "Anonymous": mappings[mappings.count - 1].anonymousKiB = kib
                default: break
                }
            }
        }
        return mappings
    }

    /// `start-end perms offset dev inode [path]`.
    private static func parseHeader(_ line: Substring) -> Mapping? {
        let parts = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard parts.count >= 5, parts[1].utf8.count == 4 else { return nil }
        let range = parts[0].split(separator: "-")
        guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
            end > start
        else { return nil }
        let path = parts.count == 6 ? String(parts[5].drop { $0 == " " }) : ""
        return Mapping(start: start, end: end, permissions: String(parts[1]), path: path)
    }

    /// `Name:   123 kB` (spaces or a tab after the colon).
    private static func parseField(_ line: Substring) -> (Substring, Int)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let value = line[line.index(after: colon)...].split { $0 == " " || $0 == "\t" }
        guard value.count == 2, value[1] == "kB", let kib = Int(value[0]) else { return nil }
        return (line[..<colon], kib)
    }

    /// VmRSS of this process in KiB.
    public static func residentKiB() -> Int? {
        guard let status = readProcFile("/proc/self/status") else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return parseField(line)?.1
        }
        return nil
    }

    /// Reads a `/proc` file whole (their size is not known in advance: `stat` reports 0).
    private static func readProcFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? String(decoding: bytes, as: UTF8.self) : nil }
            bytes.append(contentsOf: chunk[..<count])
        }
    }
}
