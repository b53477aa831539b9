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
    /// Texts meaning "no value" in any field (G-NetTrack writes `-`): a metric holding one is counted with the
    /// sentinels, a missing position or technology rejects the row, a missing time, operator or rate is left out.
    public var noValueTexts: Set<String>
    /// How the time column is written.
    public var timeFormat: TimeFormat
    /// The operator of every row when the export has none.
    public var fixedOperator: String?
    /// Operator names (lower-cased) → operator code, for exports that name the network (`Viettel`) instead of
    /// giving its MCC-MNC; other names are kept as they are.
    public var operatorNames: [String: String]
    /// The field separator.
    public var separator: UInt8

    public init(
        name: String, columns: [ReportField: String], perTechnology: [Technology: [ReportField: String]] = [:],
        technologyNames: [String: Technology] = [:], timeZone: TimeZoneRule = .requireOffset,
        sentinels: Set<Double> = [], noValueTexts: Set<String> = [], timeFormat: TimeFormat = .iso8601,
        fixedOperator: String? = nil, operatorNames: [String: String] = [:], separator: UInt8 = UInt8(ascii: ",")
    ) {
        self.name = name
        self.columns = columns
        self.perTechnology = perTechnology
        self.technologyNames = technologyNames
        self.timeZone = timeZone
        self.sentinels = sentinels
        self.noValueTexts = noValueTexts
        self.timeFormat = timeFormat
        self.fixedOperator = fixedOperator
        self.operatorNames = operatorNames
        self.separator = separator
    }

    /// How a time column is written.
    public enum TimeFormat: String, Sendable, Hashable {
        /// ISO 8601 / RFC 3339 (`2026-01-05T08:30:00+07:00`, a space for the `T`, fractions) or Unix seconds.
        case iso8601
        /// G-NetTrack Pro's `2019.12.14_10.16.30`: local time of the phone, never an offset.
        case gnettrack = "YYYY.MM.DD_hh.mm.ss"
    }

    /// Fields that must be present in the header.
    public static let requiredFields: [ReportField] = [.lat, .lon, .technology]

    /// The technology named by a source value.
    public func technology(named text: String) -> Technology? {
        if let t = self.technologyNames[text.lowercased()] { return t }
        return Technology(canonical: text)
    }
}
