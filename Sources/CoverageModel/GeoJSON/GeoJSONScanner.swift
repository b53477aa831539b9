/// A byte-level JSON scanner for reading GeoJSON without building a document tree: the caller walks the
/// document (objects, arrays, strings, numbers) and keeps only what it needs; everything else is skipped.
///
/// Errors carry the byte offset of the problem; `location(of:)` turns it into a line and column.
struct GeoJSONScanner {
    /// A syntax error at a byte offset.
    struct SyntaxError: Error {
        var offset: Int
        var message: String
    }

    private let bytes: UnsafeRawBufferPointer
    /// The offset of the next unread byte.
    private(set) var offset = 0
    /// Nesting allowed while skipping values (deeper documents are rejected, not recursed into).
    private let maxDepth = 256

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// 1-based line and column (in bytes) of an offset.
    func location(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        var i = 0
        let end = min(offset, self.bytes.count)
        while i < end {
            if self.bytes[i] == 10 {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return (line, end - lineStart + 1)
    }

    func error(_ message: String, at offset: Int? = nil) -> SyntaxError {
        SyntaxError(offset: offset ?? self.offset, message: message)
    }

    /// Skips white space and returns the next byte without consuming it (nil at the end).
    mutating func peek() -> UInt8? {
        while self.offset < self.bytes.count {
            let b = self.bytes[self.offset]
            if b == 32 || b == 10 || b == 13 || b == 9 {
                self.offset += 1
            } else {
                return b
            }
        }
        return nil
    }

    /// What the next value is, for messages.
    mutating func describeNext() -> String {
        switch self.peek() {
        case nil: return "the end of the file"
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        default: return "a number"
        }
    }

    /// Consumes `byte` (after white space) or throws "expected …".
    mutating func expect(_ byte: UInt8, _ what: String) throws(SyntaxError) {
        guard self.peek() == byte else {
            throw self.error("expected \(what), found \(self.describeFound())")
        }
        self.offset += 1
    }

    private mutating func describeFound() -> String {
        guard let b = self.peek() else { return "the end of the file" }
        if b >= 32 && b < 127 { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    /// Consumes a `null` if it comes next.
    mutating func consumeNull() throws(SyntaxError) -> Bool {
        guard self.peek() == UInt8(ascii: "n") else { return false }
        try self.literal("null")
        return true
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let start = self.offset
        let n = word.utf8CodeUnitCount
        guard self.offset + n <= self.bytes.count else { throw self.error("unexpected end of the file", at: start) }
        for k in 0..<n where self.bytes[self.offset + k] != word.utf8Start[k] {
            throw self.error("invalid literal (expected \(word))", at: start)
        }
        self.offset += n
    }

    /// Walks an object: calls `body` with each key; `body` must consume the value (or call `skipValue`).
    mutating func object(_ body: (inout GeoJSONScanner, String) throws(SyntaxError) -> Void) throws(SyntaxError) {
        try self.expect(UInt8(ascii: "{"), "an object")
        if self.peek() == UInt8(ascii: "}") {
            self.offset += 1
            return
        }
        while true {
            guard self.peek() == UInt8(ascii: "\"") else {
                throw self.error("expected a key (a string), found \(self.describeFound())")
            }
            let key = try self.string()
            try self.expect(UInt8(ascii: ":"), "':' after a key")
            try body(&self, key)
            switch self.peek() {
            case UInt8(ascii: ","): self.offset += 1
            case UInt8(ascii: "}"):
                self.offset += 1
                return
            default: throw self.error("expected ',' or '}' in an object, found \(self.describeFound())")
            }
        }
    }

    /// Walks an array: calls `body` once per element; `body` must consume the element.
    mutating func array(_ body: (inout GeoJSONScanner) throws(SyntaxError) -> Void) throws(SyntaxError) {
        try self.expect(UInt8(ascii: "["), "an array")
        if self.peek() == UInt8(ascii: "]") {
            self.offset += 1
            return
        }
        while true {
            try body(&self)
            switch self.peek() {
            case UInt8(ascii: ","): self.offset += 1
            case UInt8(ascii: "]"):
                self.offset += 1
                return
            default: throw self.error("expected ',' or ']' in an array, found \(self.describeFound())")
            }
        }
    }

    /// Reads a string (escapes decoded; invalid UTF-8 repaired).
    mutating func string() throws(SyntaxError) -> String {
        try self.expect(UInt8(ascii: "\""), "a string")
        let start = self.offset
        var i = start
        let n = self.bytes.count
        while i < n {
            let b = self.bytes[i]
            if b == UInt8(ascii: "\"") {
                self.offset = i + 1
                return String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[start..<i]), as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 32 { throw self.error("a control character inside a string", at: i) }
            i += 1
        }
        // Escapes: decode into a byte buffer.
        var out = [UInt8](UnsafeRawBufferPointer(rebasing: self.bytes[start..<i]))
        while i < n {
            let b = self.bytes[i]
            if b == UInt8(ascii: "\"") {
                self.offset = i + 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 32 { throw self.error("a control character inside a string", at: i) }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                i += 1
                continue
            }
            guard i + 1 < n else { break }
            let e = self.bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                guard var unit = self.hex4(at: i) else { throw self.error("a bad \\u escape", at: i - 2) }
                i += 4
                if (0xD800...0xDBFF).contains(unit), i + 6 <= n, self.bytes[i] == UInt8(ascii: "\\"),
                    self.bytes[i + 1] == UInt8(ascii: "u"), let low = self.hex4(at: i + 2),
                    (0xDC00...0xDFFF).contains(low)
                {
                    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                let scalar = Unicode.Scalar(unit) ?? "\u{FFFD}"
                out.append(contentsOf: String(scalar).utf8)
            default:
                throw self.error("an unknown escape '\\\(Character(Unicode.Scalar(e)))'", at: i - 2)
            }
        }
        throw self.error("a string is not closed", at: start - 1)
    }

    private func hex4(at i: Int) -> UInt32? {
        guard i + 4 <= self.bytes.count else { return nil }
        var v: UInt32 = 0
        for k in i..<(i + 4) {
            let b = self.bytes[k]
            let d: UInt8
            switch b {
            case 48...57: d = b - 48
            case 65...70: d = b - 55
            case 97...102: d = b - 87
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// Reads a JSON number (strict grammar), correctly rounded.
    mutating func number() throws(SyntaxError) -> Double {
        _ = self.peek()
        let start = self.offset
        var i = start
        let n = self.bytes.count
        func digits(_ i: inout Int) -> Int {
            let from = i
            while i < n && self.bytes[i] >= 48 && self.bytes[i] <= 57 { i += 1 }
            return i - from
        }
        if i < n && self.bytes[i] == UInt8(ascii: "-") { i += 1 }
        let integerStart = i
        let integerDigits = digits(&i)
        guard integerDigits > 0 else {
            throw self.error("expected a number, found \(self.describeFound())")
        }
        if integerDigits > 1 && self.bytes[integerStart] == 48 {
            throw self.error("a number has a leading zero", at: start)
        }
        if i < n && self.bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits(&i) > 0 else { throw self.error("a number has no digits after '.'", at: start) }
        }
        if i < n && (self.bytes[i] == UInt8(ascii: "e") || self.bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (self.bytes[i] == UInt8(ascii: "+") || self.bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits(&i) > 0 else { throw self.error("a number has no exponent digits", at: start) }
        }
        self.offset = i
        guard case .value(let v) = NumberParsing.parse(UnsafeRawBufferPointer(rebasing: self.bytes[start..<i])) else {
            throw self.error("a number is out of range", at: start)
        }
        return v
    }

    /// Skips any value (nesting bounded by `maxDepth`).
    mutating func skipValue() throws(SyntaxError) {
        try self.skipValue(depth: 0)
    }

    private mutating func skipValue(depth: Int) throws(SyntaxError) {
        guard depth < self.maxDepth else { throw self.error("values nested more than \(self.maxDepth) deep") }
        switch self.peek() {
        case UInt8(ascii: "{"):
            try self.object { (scanner, _) throws(SyntaxError) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            try self.array { (scanner) throws(SyntaxError) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): _ = try self.string()
        case UInt8(ascii: "t"): try self.literal("true")
        case UInt8(ascii: "f"): try self.literal("false")
        case UInt8(ascii: "n"): try self.literal("null")
        case nil: throw self.error("unexpected end of the file")
        default: _ = try self.number()
        }
    }

    /// Throws unless only white space is left.
    mutating func expectEnd() throws(SyntaxError) {
        if self.peek() != nil { throw self.error("unexpected \(self.describeFound()) after the document") }
    }
}
