import CoverageModel
import Foundation
import Hummingbird

#if canImport(Glibc)
    import Glibc
#endif

/// A spooled `multipart/form-data` upload (RFC 7578, as browsers and `netmon coverage upload` send several files):
/// the spool file mapped into memory and cut into its parts, each read as a report file of its own.
///
/// Every part is a file; its name is the part's `filename` (else its `name`, else `part N`); its format comes from
/// `format=`, else the part's Content-Type, else the name's extension. Preamble and epilogue are ignored.
final class MultipartSpool: @unchecked Sendable {
    /// One part: where its bytes lie in the mapping.
    struct Part: Sendable {
        var name: String
        var contentType: String?
        var offset: Int
        var count: Int
    }

    /// Parts one upload may hold.
    static let maxParts = 1000
    /// The longest header block of a part.
    static let maxHeaderBytes = 8 << 10

    let parts: [Part]
    private let base: UnsafeMutableRawPointer?
    private let size: Int

    /// The boundary of a `multipart/form-data` Content-Type; nil for any other type. A multipart type without a
    /// usable boundary is a 400.
    static func boundary(contentType: String) throws -> String? {
        let items = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let type = items.first, type.lowercased() == "multipart/form-data" else { return nil }
        for item in items.dropFirst() {
            guard let equals = item.firstIndex(of: "="),
                item[..<equals].trimmingCharacters(in: .whitespaces).lowercased() == "boundary"
            else { continue }
            var value = item[item.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            // RFC 2046: 1 to 70 characters, spaces allowed but not last.
            guard (1...70).contains(value.utf8.count), value.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }),
                value.last != " "
            else { break }
            return value
        }
        throw HTTPError(.badRequest, message: "multipart/form-data needs a boundary of 1 to 70 characters")
    }

    /// Maps `spool` and finds its parts; throws a 400 naming what is wrong with the body.
    init(_ spool: UploadSpool, boundary: String) throws {
        let fd = open(spool.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SpoolError(message: "cannot reopen the received upload \(spool.path)") }
        defer { close(fd) }
        let size = Int(spool.bytes)
        var base: UnsafeMutableRawPointer?
        if size > 0 {
            let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
            guard let mapped, mapped != MAP_FAILED else {
                throw SpoolError(message: "cannot map the received upload: \(String(cString: strerror(errno)))")
            }
            base = mapped
        }
        self.base = base
        self.size = size
        do {
            self.parts = try Self.parts(UnsafeRawBufferPointer(start: base, count: size), boundary: boundary)
        } catch {
            if let base { munmap(base, size) }
            throw error
        }
    }

    deinit {
        if let base = self.base { munmap(base, self.size) }
    }

    /// A byte source over one part, named after it (rejections name the part's file).
    func source(_ part: Part) -> any ByteSource {
        PartByteSource(
            owner: self, start: self.base.map { UnsafeRawPointer($0) + part.offset }, count: part.count, name: part.name
        )
    }

    private static func bad(_ message: String) -> HTTPError {
        HTTPError(.badRequest, message: "multipart body: \(message)")
    }

    private static func parts(_ bytes: UnsafeRawBufferPointer, boundary: String) throws -> [Part] {
        let dash = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        /// The first place at or after `from` where `needle` starts (memchr for its first byte, memcmp for the rest).
        func find(_ needle: [UInt8], from: Int) -> Int? {
            guard let base = bytes.baseAddress, let first = needle.first else { return nil }
            let last = bytes.count - needle.count
            var i = from
            return needle.withUnsafeBytes { n -> Int? in
                guard let wanted = n.baseAddress else { return nil }
                while i <= last {
                    guard let hit = memchr(base + i, Int32(first), last - i + 1) else { return nil }
                    let at = UnsafeRawPointer(hit) - base
                    if memcmp(base + at, wanted, n.count) == 0 { return at }
                    i = at + 1
                }
                return nil
            }
        }
        func starts(_ needle: [UInt8], at: Int) -> Bool {
            at + needle.count <= bytes.count && needle.indices.allSatisfy { bytes[at + $0] == needle[$0] }
        }
        // The first delimiter opens the body or follows the preamble's line break.
        var at: Int
        if starts(dash, at: 0) {
            at = 0
        } else if let first = find(crlf + dash, from: 0) {
            at = first + 2
        } else {
            throw Self.bad("no '--\(boundary)' delimiter; is it multipart/form-data with that boundary?")
        }
        var parts: [Part] = []
        while true {
            var p = at + dash.count
            if starts([45, 45], at: p) { break }  // the closing delimiter
            while p < bytes.count && (bytes[p] == 32 || bytes[p] == 9) { p += 1 }  // transport padding
            guard starts(crlf, at: p) else {
                throw Self.bad("part \(parts.count + 1): no line break after the delimiter")
            }
            let headersStart = p + 2
            let bodyStart: Int
            var headerText = ""
            if starts(crlf, at: headersStart) {
                bodyStart = headersStart + 2
            } else {
                guard let end = find(crlf + crlf, from: headersStart), end - headersStart <= Self.maxHeaderBytes else {
                    throw Self.bad(
                        "part \(parts.count + 1): its headers do not end within \(Self.maxHeaderBytes) bytes")
                }
                headerText = String(
                    decoding: UnsafeRawBufferPointer(rebasing: bytes[headersStart..<end]), as: UTF8.self)
                bodyStart = end + 4
            }
            guard let next = find(crlf + dash, from: bodyStart) else {
                throw Self.bad("part \(parts.count + 1) is not closed by '--\(boundary)'")
            }
            guard parts.count < Self.maxParts else { throw Self.bad("more than \(Self.maxParts) parts") }
            let (name, type) = Self.describe(headerText, number: parts.count + 1)
            parts.append(Part(name: name, contentType: type, offset: bodyStart, count: next - bodyStart))
            at = next + 2
        }
        if parts.isEmpty { throw Self.bad("it holds no part") }
        return parts
    }

    /// The part's file name and Content-Type from its header block.
    static func describe(_ headers: String, number: Int) -> (String, String?) {
        var name: String?
        var filename: String?
        var type: String?
        for line in headers.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if field == "content-type" { type = value.lowercased() }
            guard field == "content-disposition" else { continue }
            for parameter in Self.parameters(value) {
                if parameter.0 == "filename" { filename = parameter.1 }
                if parameter.0 == "name" { name = parameter.1 }
            }
        }
        let chosen = [filename, name].compactMap { $0 }.first { !$0.isEmpty } ?? "part \(number)"
        return (String(chosen.prefix(200)), type)
    }

    /// `key=value` and `key="quoted value"` parameters after the disposition type, keys lower-cased.
    static func parameters(_ text: String) -> [(String, String)] {
        var out: [(String, String)] = []
        var rest = Substring(text)
        // Skip the disposition type.
        guard let semicolon = rest.firstIndex(of: ";") else { return [] }
        rest = rest[rest.index(after: semicolon)...]
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == ";" }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        value.append(c)
                        escaped = false
                    } else if c == "\\" {
                        escaped = true
                    } else if c == "\"" {
                        break
                    } else {
                        value.append(c)
                    }
                }
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            out.append((key, value))
        }
        return out
    }
}

/// The bytes of one part, read from the mapping (kept alive by `owner`).
final class PartByteSource: ByteSource {
    private let owner: MultipartSpool
    private let start: UnsafeRawPointer?
    private let count: Int
    private var offset = 0
    let name: String
    var totalBytes: Int64? { Int64(self.count) }

    init(owner: MultipartSpool, start: UnsafeRawPointer?, count: Int, name: String) {
        self.owner = owner
        self.start = start
        self.count = count
        self.name = name
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, self.count - self.offset)
        guard n > 0, let start = self.start, let target = buffer.baseAddress else { return 0 }
        target.copyMemory(from: start + self.offset, byteCount: n)
        self.offset += n
        return n
    }
}
