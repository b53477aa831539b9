import Foundation

/// Time partitioning of signal reports on PostgreSQL (part of migration `v9-round-partitions-rollups`).
///
/// `signal_report` is `PARTITION BY RANGE (stored_at)`, one partition per UTC month (`signal_report_mYYYYMM`) plus
/// `signal_report_default`. `stored_at` is when the row was written (UTC seconds, set by the database; rows of an
/// older store take their upload's time), not the measurement's time: a report's time may be missing (files
/// without one), and a partition key must never be NULL in a primary key. A month suits the volume (a national
/// daily stream is a few hundred thousand reports a day, far less than rounds).
///
/// The key is `(upload_id, ordinal, stored_at)`; the identity `(upload_id, ordinal)` stays exact because every
/// writer of an upload locks its `report_upload` row first (file uploads number their rows themselves; a gateway's
/// reports are looked up by identity before insert, in every partition), so a report sent again is a duplicate and
/// the same number with other content a conflict, whichever month it arrives in.
///
/// The leader makes this month's and next month's partitions. Reports are not expired: coverage is computed from
/// every stored report and an upload is removed as a whole (`DELETE /api/v1/reports/ID`); a month that an operator
/// no longer wants can be dropped as one table.
enum ReportPartitions {
    static let migrationStatements = [
        "ALTER TABLE signal_report RENAME TO signal_report_unpartitioned",
        """
        CREATE TABLE signal_report (
            LIKE signal_report_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
            stored_at DOUBLE PRECISION NOT NULL DEFAULT extract(epoch FROM clock_timestamp())
        ) PARTITION BY RANGE (stored_at)
        """,
        "ALTER TABLE signal_report ADD PRIMARY KEY (upload_id, ordinal, stored_at)",
        """
        ALTER TABLE signal_report ADD FOREIGN KEY (upload_id) REFERENCES report_upload (upload_id) ON DELETE CASCADE
        """,
        "CREATE TABLE signal_report_default PARTITION OF signal_report DEFAULT",
        """
        DO $$
        DECLARE m TIMESTAMP;
        BEGIN
            FOR m IN SELECT DISTINCT date_trunc('month', to_timestamp(u.uploaded_at) AT TIME ZONE 'UTC')
                FROM report_upload u WHERE EXISTS (SELECT 1 FROM signal_report_unpartitioned r WHERE r.upload_id = u.upload_id)
            LOOP
                EXECUTE format('CREATE TABLE %I PARTITION OF signal_report FOR VALUES FROM (%s) TO (%s)',
                    'signal_report_m' || to_char(m, 'YYYYMM'),
                    extract(epoch FROM m AT TIME ZONE 'UTC'), extract(epoch FROM (m + interval '1 month') AT TIME ZONE 'UTC'));
            END LOOP;
        END
        $$
        """,
        """
        INSERT INTO signal_report
        SELECT r.*, u.uploaded_at FROM signal_report_unpartitioned r JOIN report_upload u ON u.upload_id = r.upload_id
        """,
        "DROP TABLE signal_report_unpartitioned",
    ]

    /// The UTC month holding `time`: its start, the next month's start and the partition's name.
    static func month(of time: Date) -> (start: Double, end: Double, name: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let c = calendar.dateComponents([.year, .month], from: time)
        let y = c.year ?? 1970
        let m = c.month ?? 1
        let start = calendar.date(from: DateComponents(year: y, month: m, day: 1)) ?? time
        let end = calendar.date(byAdding: .month, value: 1, to: start) ?? start.addingTimeInterval(31 * 86400)
        return (
            start.timeIntervalSince1970, end.timeIntervalSince1970, "signal_report_m" + String(format: "%04d%02d", y, m)
        )
    }
}
