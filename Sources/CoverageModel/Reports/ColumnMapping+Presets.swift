extension ColumnMapping {
    /// The canonical format: header names are the canonical field names, in any order.
    public static let canonical = ColumnMapping(
        name: "canonical",
        columns: Dictionary(uniqueKeysWithValues: ReportField.allCases.map { ($0, $0.rawValue) })
    )

    /// The Cork 5G drive-test export (uccmisl/5Gdataset, Raca et al., MMSys 2020).
    ///
    /// - `network_mode`: `5G` (NR non-standalone) → 5G; `LTE` → 4G; `HSPA+`, `HSDPA`, `HSUPA`, `UMTS` → 3G;
    ///   `GPRS`, `EDGE` → 2G.
    /// - `rsrp_or_rscp_dbm` / `rsrq_or_ecio_db` are RSRP/RSRQ on LTE and 5G rows (the LTE anchor) and
    ///   RSCP/Ec/Io on 3G rows; `snr_db` is the LTE SINR.
    /// - `nr_ss_rsrp_dbm` / `nr_ss_rsrq_db` are read on 5G rows only (other rows carry stale values).
    /// - `rssi_dbm` is read as the 2G RSSI on 2G rows only.
    /// - −200 and −205 mean "no value"; `timestamp_local` is Irish local time without an offset.
    /// - The export does not say which operator it measured, so rows carry none.
    public static let cork5G: ColumnMapping = {
        let lte: [ReportField: String] = [
            .rsrpDbm: "rsrp_or_rscp_dbm", .rsrqDb: "rsrq_or_ecio_db", .sinrDb: "snr_db",
        ]
        var nr = lte
        nr[.nrSsRsrpDbm] = "nr_ss_rsrp_dbm"
        nr[.nrSsRsrqDb] = "nr_ss_rsrq_db"
        return ColumnMapping(
            name: "cork-5g",
            columns: [
                .time: "timestamp_local", .lat: "lat", .lon: "lon", .technology: "network_mode",
                .dlKbps: "dl_kbps", .ulKbps: "ul_kbps",
            ],
            perTechnology: [
                .fourG: lte,
                .fiveG: nr,
                .threeG: [.rscpDbm: "rsrp_or_rscp_dbm", .ecioDb: "rsrq_or_ecio_db"],
                .twoG: [.rssiDbm: "rssi_dbm"],
            ],
            technologyNames: [
                "5g": .fiveG, "lte": .fourG, "hspa+": .threeG, "hspa": .threeG, "hsdpa": .threeG,
                "hsupa": .threeG, "umts": .threeG, "gprs": .twoG, "edge": .twoG,
            ],
            timeZone: .dublin,
            sentinels: [-200, -205]
        )
    }()

    /// Raw G-NetTrack Pro logs, as the app writes them (`Timestamp,Longitude,Latitude,Speed,Operatorname,…`).
    ///
    /// - `Timestamp` is `2019.12.14_10.16.30`, the phone's local time without an offset: read as Việt Nam time
    ///   (UTC+07:00) unless a time zone is given (`--timezone`, `timezone=`).
    /// - `-` in any field means "no value"; −200 and −205 (the app's "no reading") too, as in the Cork export.
    /// - `NetworkMode`: `5G` (NR non-standalone: the LTE anchor in `RSRP`/`RSRQ`/`SNR`, the NR leg in
    ///   `NRxRSRP`/`NRxRSRQ`), `LTE` (also `LTE+`, `LTE-CA`, `4G`) → 4G; `HSPA+`, `HSPA`, `HSDPA`, `HSUPA`,
    ///   `UMTS`, `WCDMA`, `TD-SCDMA`, `3G` → 3G, whose `RSRP`/`RSRQ` hold RSCP and Ec/Io; `EDGE`, `GPRS`, `GSM`,
    ///   `2G` → 2G, read through `RSSI`. Any other mode rejects the row, naming the mode.
    /// - `NRxRSRP`/`NRxRSRQ` are read on 5G rows only (3G and LTE rows carry the last NR values seen, stale).
    /// - `DL_bitrate`/`UL_bitrate` are kbit/s.
    /// - `Operatorname` is the network's name as the phone shows it: Việt Nam's networks become their MCC-MNC
    ///   (`Viettel` → 452-04, `VinaPhone` → 452-02, `MobiFone` → 452-01, `Vietnamobile` → 452-05, `Gmobile` →
    ///   452-07, any case), so phone logs and gateway modems count for the same operator; other names (a letter in
    ///   anonymised logs) are kept as they are; `-` leaves the row without one.
    public static let gnettrack: ColumnMapping = {
        let lte: [ReportField: String] = [.rsrpDbm: "RSRP", .rsrqDb: "RSRQ", .sinrDb: "SNR"]
        var nr = lte
        nr[.nrSsRsrpDbm] = "NRxRSRP"
        nr[.nrSsRsrqDb] = "NRxRSRQ"
        return ColumnMapping(
            name: "gnettrack",
            columns: [
                .time: "Timestamp", .lat: "Latitude", .lon: "Longitude", .technology: "NetworkMode",
                .operatorCode: "Operatorname", .dlKbps: "DL_bitrate", .ulKbps: "UL_bitrate",
            ],
            perTechnology: [
                .fourG: lte,
                .fiveG: nr,
                .threeG: [.rscpDbm: "RSRP", .ecioDb: "RSRQ"],
                .twoG: [.rssiDbm: "RSSI"],
            ],
            technologyNames: [
                "5g": .fiveG, "nr": .fiveG, "lte": .fourG, "lte+": .fourG, "lte-ca": .fourG, "4g": .fourG,
                "hspa+": .threeG, "hspa": .threeG, "hsdpa": .threeG, "hsupa": .threeG, "umts": .threeG,
                "wcdma": .threeG, "td-scdma": .threeG, "3g": .threeG, "edge": .twoG, "gprs": .twoG, "gsm": .twoG,
                "2g": .twoG,
            ],
            timeZone: .vietNam,
            sentinels: [-200, -205],
            noValueTexts: ["-"],
            timeFormat: .gnettrack,
            operatorNames: [
                "viettel": "452-04", "vn viettel": "452-04", "vinaphone": "452-02", "vn vinaphone": "452-02",
                "mobifone": "452-01", "vn mobifone": "452-01", "vietnamobile": "452-05", "gmobile": "452-07",
            ]
        )
    }()

    /// Every shipped preset by name.
    public static let presets: [String: ColumnMapping] = [
        canonical.name: canonical,
        cork5G.name: cork5G,
        gnettrack.name: gnettrack,
    ]

    /// The preset called `name`.
    public static func preset(named name: String) throws -> ColumnMapping {
        guard let mapping = Self.presets[name] else {
            throw ReportReadError(
                code: .unknownPreset,
                message: "no preset named '\(name)'; known: \(Self.presets.keys.sorted().joined(separator: ", "))")
        }
        return mapping
    }
}
