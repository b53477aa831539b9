/// Operator codes as `ReportValidation.normalizeOperator` makes them from a CSV field, remembered by the field's
/// bytes: a file names a handful of operators, often alternating row by row (one phone per operator in the car),
/// so each spelling is normalized once and never again turned into a String. Only fields of one to eight bytes
/// are remembered (packed into an integer with their length), at most `capacity` of them.
struct OperatorCodeMemo {
    static let capacity = 32
    private var keys: [(bits: UInt64, length: Int)] = []
    private var codes: [String?] = []
    /// The mapping's operator names (see `ColumnMapping.operatorNames`).
    private let names: [String: String]

    init(names: [String: String] = [:]) { self.names = names }

    /// The normalized code of `field`, whose bytes `bits` packs, and its slot in the memo (the same slot for the
    /// same bytes, for the memo's life), or −1 when it is not remembered (the memo is full).
    @inline(__always)
    mutating func code(_ field: UnsafeRawBufferPointer, bits: UInt64) -> (code: String?, slot: Int) {
        let length = field.count
        for i in self.keys.indices where self.keys[i].bits == bits && self.keys[i].length == length {
            return (self.codes[i], i)
        }
        let code = ReportValidation.normalizeOperator(String(decoding: field, as: UTF8.self), names: self.names)
        guard self.keys.count < Self.capacity else { return (code, -1) }
        self.keys.append((bits, length))
        self.codes.append(code)
        return (code, self.keys.count - 1)
    }
}
