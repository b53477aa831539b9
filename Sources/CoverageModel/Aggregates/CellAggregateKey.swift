import NetmonProtocol

/// One count of ``CellAggregates``, as stored: what is counted, in which cell, and under which technology,
/// operator and bin.
public struct CellAggregateKey: Sendable, Hashable, Comparable {
    /// What a count counts.
    public enum Kind: Int, Sendable, Hashable, CaseIterable {
        /// Reports of an operator in the cell (technology '', bin 0).
        case rows = 1
        /// Values of a judged technology's primary metric given by an operator's reports, in a 1 dB bin.
        case signal = 2
        /// Download rates of the cell's reports of a technology, in a speed bucket (operator '').
        case download = 3
        /// Upload rates, as `download`.
        case upload = 4
        /// Reports from gateway modems (device `gateway:<code>`) in the cell (technology and operator '', bin 0).
        case gatewayRows = 5
    }

    public var kind: Kind
    public var cell: H3Index
    /// The judged technology (`signal`) or the report's technology (`download`, `upload`); '' otherwise.
    public var technology: String
    /// The operator's code; '' for reports without one, and for kinds not kept per operator.
    public var operatorCode: String
    /// The dB bin (`signal`), the speed bucket (`download`, `upload`), 0 otherwise.
    public var bin: Int64

    public init(kind: Kind, cell: H3Index, technology: String, operatorCode: String, bin: Int64) {
        self.kind = kind
        self.cell = cell
        self.technology = technology
        self.operatorCode = operatorCode
        self.bin = bin
    }

    /// Stored keys are written in this order (kind, cell, technology, operator, bin), so concurrent writers take
    /// row locks in one order.
    public static func < (a: Self, b: Self) -> Bool {
        if a.kind != b.kind { return a.kind.rawValue < b.kind.rawValue }
        if a.cell != b.cell { return a.cell.rawValue < b.cell.rawValue }
        if a.technology != b.technology { return a.technology < b.technology }
        if a.operatorCode != b.operatorCode { return a.operatorCode < b.operatorCode }
        return a.bin < b.bin
    }
}
