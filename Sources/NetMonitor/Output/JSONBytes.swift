/// A small append-only JSON writer into a byte array, for reports written once per run or interval.
///
/// It writes what `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` writes for the same values
/// (callers list keys in sorted order), without building the intermediate tree: the capture report of ten
/// thousand flows is written in a few milliseconds instead of a fifth of a second.
public struct JSONBytes {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current object or array needs a comma before it.
    private var needsComma = false

    public init(capacity: Int = 4096) {
        self.bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        self.separate()
        self.bytes.append(UInt8(ascii: "{"))
        self.needsComma = false
    }

    public mutating func endObject() {
        self.bytes.append(UInt8(ascii: "}"))
        self.needsComma = true
    }

    public mutating func beginArray() {
        self.separate()
        self.bytes.append(UInt8(ascii: "["))
        self.needsComma = false
    }

    public mutating func endArray() {
        self.bytes.append(UInt8(ascii: "]"))
        self.needsComma = true
    }

    /// Writes `"key":`; the value written next belongs to it.
    public mutating func key(_ key: StaticString) {
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { self.bytes.append(contentsOf: $0) }
        self.bytes.append(UInt8(ascii: "\""))
        self.bytes.append(UInt8(ascii: ":"))
        self.needsComma = false
    }

    public mutating func null() {
        self.separate()
        self.bytes.append(contentsOf: [110, 117, 108, 108])  // null
        self.needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        self.separate()
        if value {
            self.bytes.append(contentsOf: [116, 114, 117, 101])  // true
        } else {
            self.bytes.append(contentsOf: [102, 97, 108, 115, 101])  // false
        }
        self.needsComma = true
    }

    public mutating func int<T: BinaryInteger>(_ value: T) {
        self.separate()
        if value < 0 { self.bytes.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(value.magnitude)
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(truncatingIfNeeded: magnitude % 10) + 48
                magnitude /= 10
                count += 1
            } while magnitude > 0
            self.bytes.append(contentsOf: buffer[(20 - count)...])
        }
        self.needsComma = true
    }

    /// A finite double as `JSONEncoder` writes it: Swift's shortest round-trip text, without a trailing `.0`.
    public mutating func double(_ value: Double) {
        guard value.isFinite else {
            self.null()
            return
        }
        self.separate()
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        self.bytes.append(contentsOf: text.utf8)
        self.needsComma = true
    }

    public mutating func double(_ value: Double?) {
        if let value { self.double(value) } else { self.null() }
    }

    /// A value whose JSON text `write` appends itself, for a number format of the caller's own (the
    /// six-decimal numbers of `netmon ping --json`). `write` must append exactly one JSON value.
    public mutating func value(writtenBy write: (inout [UInt8]) -> Void) {
        self.separate()
        write(&self.bytes)
        self.needsComma = true
    }

    public mutating func string(_ value: String?) {
        guard let value else {
            self.null()
            return
        }
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): self.bytes.append(contentsOf: [92, 92])
            case 0x08: self.bytes.append(contentsOf: [92, 98])
            case 0x0C: self.bytes.append(contentsOf: [92, 102])
            case 0x0A: self.bytes.append(contentsOf: [92, 110])
            case 0x0D: self.bytes.append(contentsOf: [92, 114])
            case 0x09: self.bytes.append(contentsOf: [92, 116])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                self.bytes.append(contentsOf: [92, 117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
        self.needsComma = true
    }

    @inline(__always)
    private mutating func separate() {
        if self.needsComma { self.bytes.append(UInt8(ascii: ",")) }
    }
}
