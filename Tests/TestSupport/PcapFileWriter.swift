import Foundation

/// Writes classic pcap files with nanosecond timestamps (magic 0xa1b23c4d), truncating frames to the snaplen.
///
/// Foundation only, so the benchmark generator can compile it on its own with `swiftc`.
public final class PcapFileWriter {
    private let handle: FileHandle
    private var buffer = Data()
    /// The snapshot length written into the header and applied to frames.
    public let snapshotLength: Int
    /// Frames written so far.
    public private(set) var count = 0

    /// Creates (or truncates) `path` and writes the file header for `linkType` (1 = Ethernet).
    public init(path: String, linkType: UInt32 = 1, snapshotLength: Int = 65_535) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        self.handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        self.snapshotLength = snapshotLength
        self.buffer.reserveCapacity(1 << 20)
        self.put32(0xA1B2_3C4D)
        self.put16(2)
        self.put16(4)
        self.put32(0)  // thiszone
        self.put32(0)  // sigfigs
        self.put32(UInt32(snapshotLength))
        self.put32(linkType)
    }

    private func put16(_ value: UInt16) {
        withUnsafeBytes(of: value.littleEndian) { self.buffer.append(contentsOf: $0) }
    }

    private func put32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { self.buffer.append(contentsOf: $0) }
    }

    /// Appends one frame seen at `timestamp` nanoseconds since the epoch.
    public func append(timestamp: Int64, frame: [UInt8]) throws {
        let captured = min(frame.count, self.snapshotLength)
        self.put32(UInt32(timestamp / 1_000_000_000))
        self.put32(UInt32(timestamp % 1_000_000_000))
        self.put32(UInt32(captured))
        self.put32(UInt32(frame.count))
        self.buffer.append(contentsOf: frame[0..<captured])
        self.count += 1
        if self.buffer.count >= 1 << 20 { try self.flush() }
    }

    /// Writes buffered frames to the file.
    public func flush() throws {
        try self.handle.write(contentsOf: self.buffer)
        self.buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file.
    public func close() throws {
        try self.flush()
        try self.handle.close()
    }
}
