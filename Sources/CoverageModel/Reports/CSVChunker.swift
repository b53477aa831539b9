#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Cuts a CSV byte stream into chunks of whole records, for parsing on other threads.
///
/// A chunk ends right after a line feed that is outside quotes (quotes are counted from the chunk's start,
/// which is always a record's start, as `RecordReader` counts them), so a quoted field holding line breaks
/// is never cut. Memory: the chunk being filled plus the few bytes of a record cut by the previous read.
final class CSVChunker {
    /// A chunk: `count` bytes of `buffer` (owned by whoever takes the chunk).
    struct Chunk {
        var buffer: UnsafeMutableRawBufferPointer
        var count: Int
    }

    private let source: any ByteSource
    private let chunkSize: Int
    private let maxRecordBytes: Int
    private let quotes: Bool
    /// The start of a record cut by the previous read, carried to the next chunk.
    private var carry: [UInt8] = []
    private var atEOF = false

    init(source: any ByteSource, chunkSize: Int = 1 << 20, maxRecordBytes: Int = 64 << 20, quotes: Bool = true) {
        self.source = source
        self.chunkSize = max(chunkSize, 16)
        self.maxRecordBytes = max(maxRecordBytes, self.chunkSize)
        self.quotes = quotes
    }

    /// The next chunk, or nil at the end. Throws `.recordTooLong` (without a row: the caller knows how many
    /// records came before) when no record ends within `maxRecordBytes`, and `.io` on a read error.
    func next() throws -> Chunk? {
        if self.atEOF && self.carry.isEmpty { return nil }
        var buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: max(self.chunkSize, self.carry.count * 2), alignment: 8)
        var filled = self.carry.count
        if filled > 0 {
            self.carry.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: filled) }
            self.carry.removeAll(keepingCapacity: true)
        }
        var scanned = 0
        var inQuotes = false
        var lastBoundary = 0
        do {
            while true {
                while !self.atEOF && filled < buffer.count {
                    let n = try self.source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                    if n == 0 { self.atEOF = true } else { filled += n }
                }
                self.scan(buffer, from: scanned, to: filled, inQuotes: &inQuotes, lastBoundary: &lastBoundary)
                scanned = filled
                if self.atEOF {
                    if filled == 0 {
                        buffer.deallocate()
                        return nil
                    }
                    return Chunk(buffer: buffer, count: filled)
                }
                if lastBoundary > 0 { break }
                guard buffer.count < self.maxRecordBytes else {
                    throw ReportReadError(
                        code: .recordTooLong,
                        message: "a record is longer than \(self.maxRecordBytes) bytes (unterminated quote?)",
                        file: self.source.name)
                }
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 8)
                bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: filled)
                buffer.deallocate()
                buffer = bigger
            }
        } catch {
            buffer.deallocate()
            throw error
        }
        self.carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[lastBoundary..<filled]))
        return Chunk(buffer: buffer, count: lastBoundary)
    }

    /// Finds the last record end (the offset after a line feed outside quotes) in `from..<to`.
    private func scan(
        _ buffer: UnsafeMutableRawBufferPointer, from: Int, to: Int, inQuotes: inout Bool, lastBoundary: inout Int
    ) {
        guard from < to else { return }
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        // No quote in this stretch and none open: the last line feed is the boundary.
        if !self.quotes || (!inQuotes && memchr(base + from, 34, to - from) == nil) {
            var i = to - 1
            while i >= from {
                if base[i] == 10 {
                    lastBoundary = i + 1
                    return
                }
                i -= 1
            }
            return
        }
        var i = from
        while i < to {
            let b = base[i]
            if b == 34 {
                inQuotes.toggle()
            } else if b == 10 && !inQuotes {
                lastBoundary = i + 1
            }
            i += 1
        }
    }
}
