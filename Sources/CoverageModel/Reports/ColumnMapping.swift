import NetmonProtocol

/// How the columns of a real export become canonical report fields.
///
/// `columns` names the source column of each canonical field for every row; `perTechnology` adds or
/// overrides columns for rows of one technology (how an export that reuses one column for RSRP on LTE
/// rows and RSCP on 3G rows is read). Technology values are looked up in `technologyNames`
/// (case-insensitive) and then as canonical spellings. Values equal to a sentinel are missing.
public struct ColumnMapping: Sendable, Hashable {
    /// The preset's name (`canonical`, `cork-5g`, …).
    public var name: String
    /// Canonical field → source column name, for every row.
    public var columns: [ReportField: String]
    /// Per technology: canonical field → source column, on rows of that technology only.
    public var perTechnology: [Technology: [ReportField: String]]
    /// Source technology value (lower-cased) → technology.
    public var technologyNames: [String: Technology]
    /// How times without a UTC offset are read.
    public var timeZone: TimeZoneRule
    /// Values meaning "no value" (e.g. −200, −205 in drive-test exports).
    public var sentinels: Set<Double>
    /// The operator of every row when the export has none.
    public var fixedOperator: String?
    /// The field separator.
    public var separator: UInt8

    public init(
        name: String, columns: [ReportField: String], perTechnology: [Technology: [ReportField: String]] = [:],
        technologyNames: [String: Technology] = [:], timeZone: TimeZoneRule = .requireOffset,
        sentinels: Set<Double> = [], fixedOperator: String? = nil, separator: UInt8 = UInt8(ascii: ",")
    ) {
        self.name = name
        self.columns = columns
        self.perTechnology = perTechnology
        self.technologyNames = technologyNames
        self.timeZone = timeZone
        self.sentinels = sentinels
        self.fixedOperator = fixedOperator
        self.separator = separator
    }

    /// Fields that must be present in the header.
    public static let requiredFields: [ReportField] = [.lat, .lon, .technology]

    /// The technology named by a source value.
    public func technology(named text: String) -> Technology? {
        if let t = self.technologyNames[text.lowercased()] { return t }
        return Technology(canonical: text)
    }
}
