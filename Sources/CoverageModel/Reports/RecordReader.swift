#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits a byte stream into records (CSV records or plain lines) while reading it in fixed-size chunks.
///
/// Memory stays constant: one buffer (1 MiB by default) that grows only if a single record is longer,
/// up to `maxRecordBytes`. CSV mode follows RFC 4180: fields may be quoted, quotes inside are doubled,
/// quoted fields may hold commas and line breaks; CR LF and LF both end a record. Field ranges point
/// into the buffer and are valid until the next call to `next()`.
public final class RecordReader {
    /// How the stream is split.
    public enum Mode: Sendable {
        /// RFC 4180 CSV with the given one-byte separator.
        case csv(separator: UInt8)
        /// Whole lines, no field splitting.
        case lines
    }

    private let source: any ByteSource
    private let mode: Mode
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var atEOF = false
    private let maxRecordBytes: Int

    /// 1-based number of the record last returned (the first record is 1).
    public private(set) var recordNumber = 0
    /// Bytes consumed so far (for progress).
    public private(set) var bytesConsumed: Int64 = 0
    /// Ranges (into the buffer) of the fields of the record last returned; one range in `.lines` mode.
    public var fields: [Range<Int>] { (0..<self.fieldCount).map { self.fieldRange($0) } }
    /// How many fields the record last returned has.
    public private(set) var fieldCount = 0
    /// Start and end offsets of each field, in pairs (grown as needed).
    private var fieldBounds: UnsafeMutablePointer<Int>
    /// Room for this many fields (a record of fewer bytes than this is split without checking for room).
    private var fieldCapacity = 256

    public init(source: any ByteSource, mode: Mode, chunkSize: Int = 1 << 20, maxRecordBytes: Int = 64 << 20) {
        self.source = source
        self.mode = mode
        self.buffer = .allocate(byteCount: max(chunkSize, 16), alignment: 8)
        self.maxRecordBytes = maxRecordBytes
        self.fieldBounds = .allocate(capacity: 2 * self.fieldCapacity)
    }

    /// A reader over one chunk of records already in memory (`count` bytes of `chunk`, ending on a record
    /// boundary or at the end of the stream); it takes ownership of `chunk` and deallocates it.
    init(chunk: UnsafeMutableRawBufferPointer, count: Int, name: String, mode: Mode) {
        self.source = EmptyByteSource(name: name)
        self.mode = mode
        self.buffer = chunk
        self.end = count
        self.atEOF = true
        self.maxRecordBytes = max(chunk.count, 16)
        self.fieldBounds = .allocate(capacity: 2 * self.fieldCapacity)
    }

    deinit {
        self.buffer.deallocate()
        self.fieldBounds.deallocate()
    }

    @inline(__always)
    private func fieldRange(_ index: Int) -> Range<Int> {
        precondition(index >= 0 && index < self.fieldCount, "field index out of range")
        return self.fieldBounds[2 * index]..<self.fieldBounds[2 * index + 1]
    }

    /// Doubles the room for field bounds (keeping the first `count` pairs) and returns the new storage.
    @inline(never)
    private func growFieldBounds(keeping count: Int) -> UnsafeMutablePointer<Int> {
        let bigger = UnsafeMutablePointer<Int>.allocate(capacity: 4 * self.fieldCapacity)
        bigger.update(from: self.fieldBounds, count: 2 * count)
        self.fieldBounds.deallocate()
        self.fieldBounds = bigger
        self.fieldCapacity *= 2
        return bigger
    }

    /// The current record's bytes and field bounds as plain pointers, for reading many fields of one record
    /// without going through the reader for each (no reference counting, no reloading of the reader's state).
    /// Valid until the next call to `next()`.
    public struct Fields {
        let base: UnsafeRawPointer
        let bounds: UnsafePointer<Int>
        /// How many fields the record has.
        public let count: Int

        /// The bytes of field `index`.
        @inline(__always)
        public subscript(index: Int) -> UnsafeRawBufferPointer {
            precondition(index >= 0 && index < self.count, "field index out of range")
            let start = self.bounds[2 * index]
            return UnsafeRawBufferPointer(start: self.base + start, count: self.bounds[2 * index + 1] - start)
        }

        /// The bytes of field `index`, which the caller knows to be below `count` (checked in debug builds only).
        @inline(__always)
        func unchecked(_ index: Int) -> UnsafeRawBufferPointer {
            assert(index >= 0 && index < self.count, "field index out of range")
            let start = self.bounds[2 &* index]
            return UnsafeRawBufferPointer(start: self.base + start, count: self.bounds[2 &* index &+ 1] &- start)
        }
    }

    /// The fields of the record last returned.
    @inline(__always)
    public var currentFields: Fields {
        Fields(base: UnsafeRawPointer(self.buffer.baseAddress!), bounds: self.fieldBounds, count: self.fieldCount)
    }

    /// The name of the source, for messages.
    public var sourceName: String { self.source.name }

    /// Moves to the next non-empty record. Returns false at the end of the stream.
    public func next() throws -> Bool {
        while true {
            guard let (recordStart, recordEnd, next, sawQuote) = try self.findRecord() else { return false }
            self.recordNumber += 1
            self.bytesConsumed += Int64(next - self.start)
            self.start = next
            var contentEnd = recordEnd
            if contentEnd > recordStart && self.buffer[contentEnd - 1] == 13 { contentEnd -= 1 }
            if recordStart == contentEnd { continue }  // blank line
            self.split(recordStart, contentEnd, sawQuote: sawQuote)
            return true
        }
    }

    /// Calls `body` with the bytes of field `index` of the current record.
    @inline(__always)
    public func withField<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let range = self.fieldRange(index)
        return try body(UnsafeRawBufferPointer(start: self.buffer.baseAddress! + range.lowerBound, count: range.count))
    }

    /// The field as a String (UTF-8, invalid bytes repaired).
    public func string(_ index: Int) -> String {
        self.withField(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Finds the end of the next record; refills the buffer as needed.
    private func findRecord() throws -> (Int, Int, Int, Bool)? {
        var scan = self.start
        var inQuotes = false
        var sawQuote = false
        let quotes: Bool
        if case .csv = self.mode { quotes = true } else { quotes = false }
        while true {
            let base = self.buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var i = scan
            let end = self.end
            if quotes {
                // Fast path: the next line feed, and no quote before it.
                if !inQuotes && i < end, let lf = memchr(base + i, 10, end - i) {
                    let at = base.distance(to: lf.assumingMemoryBound(to: UInt8.self))
                    if memchr(base + i, 34, at - i) == nil {
                        return (self.start, at, at + 1, sawQuote)
                    }
                }
                while i < end {
                    let b = base[i]
                    if b == 34 {
                        inQuotes.toggle()
                        sawQuote = true
                    } else if b == 10 && !inQuotes {
                        return (self.start, i, i + 1, sawQuote)
                    }
                    i += 1
                }
            } else {
                while i < end {
                    if base[i] == 10 { return (self.start, i, i + 1, false) }
                    i += 1
                }
            }
            if self.atEOF {
                if self.start == self.end { return nil }
                return (self.start, self.end, self.end, sawQuote)
            }
            let consumedShift = self.start
            try self.refill()
            scan = i - consumedShift
        }
    }

    /// Moves the unread tail to the front, grows the buffer if it is full, reads more.
    private func refill() throws {
        let pending = self.end - self.start
        if self.start > 0 && pending > 0 {
            self.buffer.baseAddress!.copyMemory(from: self.buffer.baseAddress! + self.start, byteCount: pending)
        }
        self.start = 0
        self.end = pending
        if pending == self.buffer.count {
            guard self.buffer.count < self.maxRecordBytes else {
                throw ReportReadError(
                    code: .recordTooLong,
                    message: "a record is longer than \(self.maxRecordBytes) bytes (unterminated quote?)",
                    file: self.source.name, row: self.recordNumber + 1)
            }
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: self.buffer.count * 2, alignment: 8)
            bigger.baseAddress!.copyMemory(from: self.buffer.baseAddress!, byteCount: pending)
            self.buffer.deallocate()
            self.buffer = bigger
        }
        let n = try self.source.read(
            into: UnsafeMutableRawBufferPointer(rebasing: self.buffer[self.end...]))
        if n == 0 { self.atEOF = true }
        self.end += n
    }

    private func split(_ from: Int, _ to: Int, sawQuote: Bool) {
        // The bounds are written through locals: stores through the pointer could otherwise alias the
        // reader's own fields and force them to be reloaded for every field.
        var bounds = self.fieldBounds
        var capacity = self.fieldCapacity
        var count = 0
        @inline(__always)
        func append(_ start: Int, _ end: Int) {
            if count == capacity {
                bounds = self.growFieldBounds(keeping: count)
                capacity = self.fieldCapacity
            }
            bounds[2 * count] = start
            bounds[2 * count + 1] = end
            count += 1
        }
        defer { self.fieldCount = count }
        guard case .csv(let separator) = self.mode else {
            append(from, to)
            return
        }
        let base = self.buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        if !sawQuote && to - from < capacity {
            // A record has at most one field more than it has bytes: room for all, no check per field, and
            // positions that cannot overflow (wrapping arithmetic, no overflow checks).
            var fieldStart = from
            var i = from
            let pattern = 0x0101_0101_0101_0101 &* UInt64(separator)
            let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            var slot = bounds
            while i &+ 8 <= to {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                let x = word ^ pattern
                var zeros = ~(((x & low7) &+ low7) | x | low7)
                while zeros != 0 {
                    let at = i &+ Int(truncatingIfNeeded: zeros.trailingZeroBitCount &>> 3)
                    slot[0] = fieldStart
                    slot[1] = at
                    slot += 2
                    fieldStart = at &+ 1
                    zeros &= zeros &- 1
                }
                i &+= 8
            }
            while i < to {
                if base[i] == separator {
                    slot[0] = fieldStart
                    slot[1] = i
                    slot += 2
                    fieldStart = i &+ 1
                }
                i &+= 1
            }
            slot[0] = fieldStart
            slot[1] = to
            count = (bounds.distance(to: slot) &>> 1) &+ 1
            return
        }
        if !sawQuote {
            var fieldStart = from
            var i = from
            // Eight bytes at a time: the separators of a word are the zero bytes of word ^ pattern, found
            // exactly (no carry between bytes) by the classic "has zero byte" test.
            let pattern = 0x0101_0101_0101_0101 &* UInt64(separator)
            let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            while i + 8 <= to {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                let x = word ^ pattern
                var zeros = ~(((x & low7) &+ low7) | x | low7)
                while zeros != 0 {
                    let at = i + zeros.trailingZeroBitCount >> 3
                    append(fieldStart, at)
                    fieldStart = at + 1
                    zeros &= zeros &- 1
                }
                i += 8
            }
            while i < to {
                if base[i] == separator {
                    append(fieldStart, i)
                    fieldStart = i + 1
                }
                i += 1
            }
            append(fieldStart, to)
            return
        }
        // Quoted fields: unescape in place (the text only shrinks).
        var read = from
        while true {
            let fieldStart = read
            var write = read
            if read < to && base[read] == 34 {
                read += 1
                while read < to {
                    let b = base[read]
                    if b == 34 {
                        if read + 1 < to && base[read + 1] == 34 {
                            base[write] = 34
                            write += 1
                            read += 2
                            continue
                        }
                        read += 1
                        break
                    }
                    base[write] = b
                    write += 1
                    read += 1
                }
                // Anything between the closing quote and the separator is kept as is.
                while read < to && base[read] != separator {
                    base[write] = base[read]
                    write += 1
                    read += 1
                }
            } else {
                while read < to && base[read] != separator {
                    base[write] = base[read]
                    write += 1
                    read += 1
                }
            }
            append(fieldStart, write)
            if read >= to { break }
            read += 1  // separator
            if read == to {
                append(to, to)
                break
            }
        }
    }
}
