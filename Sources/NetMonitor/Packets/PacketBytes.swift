/// Bounds-checked, big-endian reads over the captured bytes of one packet.
///
/// Every read returns `nil` instead of touching memory outside `buffer`, so decoders built on it can never
/// read past the captured length, whatever the bytes say. It borrows the memory: use it only while the buffer
/// it was made from is alive (inside a pcap callback or `withUnsafeBytes`).
public struct PacketBytes {
    /// The captured bytes (at most the snapshot length, often less than the packet's length on the wire).
    public let buffer: UnsafeRawBufferPointer

    /// Wraps captured bytes.
    @inlinable
    public init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
    }

    /// How many bytes were captured.
    @inlinable @inline(__always)
    public var count: Int { self.buffer.count }

    /// Whether `length` bytes starting at `offset` were captured.
    @inlinable @inline(__always)
    public func contains(_ offset: Int, length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= self.buffer.count &- length
    }

    /// The byte at `offset`.
    @inlinable @inline(__always)
    public func u8(_ offset: Int) -> UInt8? {
        guard self.contains(offset, length: 1) else { return nil }
        return self.buffer[offset]
    }

    /// The big-endian 16-bit value at `offset`.
    @inlinable @inline(__always)
    public func u16(_ offset: Int) -> UInt16? {
        guard self.contains(offset, length: 2) else { return nil }
        return UInt16(self.buffer[offset]) << 8 | UInt16(self.buffer[offset + 1])
    }

    /// The little-endian 16-bit value at `offset`.
    @inlinable @inline(__always)
    public func u16LittleEndian(_ offset: Int) -> UInt16? {
        guard self.contains(offset, length: 2) else { return nil }
        return UInt16(self.buffer[offset + 1]) << 8 | UInt16(self.buffer[offset])
    }

    /// The big-endian 32-bit value at `offset`.
    @inlinable @inline(__always)
    public func u32(_ offset: Int) -> UInt32? {
        guard self.contains(offset, length: 4) else { return nil }
        return UInt32(self.buffer[offset]) << 24 | UInt32(self.buffer[offset + 1]) << 16
            | UInt32(self.buffer[offset + 2]) << 8 | UInt32(self.buffer[offset + 3])
    }

    /// The little-endian 32-bit value at `offset`.
    @inlinable @inline(__always)
    public func u32LittleEndian(_ offset: Int) -> UInt32? {
        guard let value = self.u32(offset) else { return nil }
        return value.byteSwapped
    }

    /// The big-endian 64-bit value at `offset`.
    @inlinable @inline(__always)
    public func u64(_ offset: Int) -> UInt64? {
        guard let high = self.u32(offset), let low = self.u32(offset + 4) else { return nil }
        return UInt64(high) << 32 | UInt64(low)
    }
}
