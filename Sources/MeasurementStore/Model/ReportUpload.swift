import CoverageModel
import Foundation

/// One upload of signal reports (a drive-test file, a crowdsourced export) and what became of its rows.
///
/// An upload is written in steps (``ProvinceStore/beginReportUpload(_:)``, batches of rows, then
/// ``ProvinceStore/commitReportUpload(_:)``); its rows count for coverage only once it is `complete`. An upload
/// that never completes (a client that went away, a rejected file, a crash) is removed with its rows.
public struct ReportUpload: Sendable, Hashable {
    /// Where an upload stands.
    public enum State: String, Sendable, Hashable {
        /// Rows are being written; invisible to coverage.
        case receiving
        /// Every row is written; the rows count for coverage.
        case complete
    }

    /// Unique id, sortable by time (e.g. `20261129T094512Z-3f9a1c2e`).
    public var id: String
    public var uploadedAt: Date
    /// Name of the token that uploaded it.
    public var uploadedBy: String
    /// `csv`, `jsonl` or `geojson`.
    public var format: String
    /// The column mapping (`canonical`, `cork-5g`, …).
    public var preset: String
    public var rowsRead: Int
    public var rowsAccepted: Int
    public var rowsRejected: Int
    public var state: State
    /// Where the reports come from: `upload` (a posted file) or `gateway:<commune code>` (a gateway's modem, see
    /// ``GatewaySignalEntry``).
    public var source: String

    public init(
        id: String, uploadedAt: Date, uploadedBy: String, format: String, preset: String, rowsRead: Int = 0,
        rowsAccepted: Int = 0, rowsRejected: Int = 0, state: State = .receiving, source: String = "upload"
    ) {
        self.source = source
        self.id = id
        self.uploadedAt = uploadedAt
        self.uploadedBy = uploadedBy
        self.format = format
        self.preset = preset
        self.rowsRead = rowsRead
        self.rowsAccepted = rowsAccepted
        self.rowsRejected = rowsRejected
        self.state = state
    }

    /// A fresh id for an upload made at `date`: UTC time to the second, then 8 random hex digits.
    public static func makeID(at date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: date) + "-" + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
    }
}

/// Where a read of stored signal reports stopped: the last (upload, ordinal) returned.
public struct SignalReportCursor: Sendable, Hashable {
    public var uploadID: String
    public var ordinal: Int64

    public init(uploadID: String, ordinal: Int64) {
        self.uploadID = uploadID
        self.ordinal = ordinal
    }
}

/// A page of stored signal reports, in (upload, ordinal) order.
public struct SignalReportPage: Sendable {
    public var reports: [SignalReport]
    /// Where the next page starts; nil when this page was the last.
    public var next: SignalReportCursor?

    public init(reports: [SignalReport], next: SignalReportCursor?) {
        self.reports = reports
        self.next = next
    }
}
