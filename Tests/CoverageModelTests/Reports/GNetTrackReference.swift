import Foundation
import NetmonProtocol

@testable import CoverageModel

/// What G-NetTrack Pro logs hold, computed independently of CoverageModel: Python's csv module, `datetime.strptime`
/// and `zoneinfo` reading the files by the rules the `gnettrack` preset documents (README, "Presets").
struct GNetTrackReference: Decodable, Equatable {
    /// Rows after the header, over all files.
    var rows: Int
    var accepted: [String: Int]
    /// `[file, row]` of each rejected row.
    var rejected: [[String]]
    /// Per canonical metric: values accepted, "no value" (`-`, −200, −205), out of range.
    var metrics: [String: [Int]]
    /// UTC seconds of the earliest and latest accepted row with a time.
    var first: Double?
    var last: Double?
    /// Accepted rows with a time, and with none.
    var timed: Int
    /// Accepted download and upload rates: count and sum in kbit/s.
    var dl: [Double]
    var ul: [Double]
    /// Accepted rows per operator ("" for none).
    var operators: [String: Int]

    static let hasPython = (try? ExternalTools.run("python3", ["-c", "import csv, zoneinfo"]).status) == 0

    /// Runs the script over `paths` with local times in `zone` (an IANA name, or `+hh:mm`).
    static func compute(_ paths: [String], zone: String) throws -> GNetTrackReference {
        let out = try ExternalTools.run("python3", ["-c", Self.script, zone] + paths)
        guard out.status == 0 else { throw ReferenceError(message: "the Python reference failed: \(out.stderr)") }
        return try JSONDecoder().decode(GNetTrackReference.self, from: Data(out.stdout.utf8))
    }

    struct ReferenceError: Error { var message: String }

    private static let script = #"""
        import csv, datetime, json, sys, zoneinfo
        zone = sys.argv[1]
        if zone[0] in "+-":
            h, m = zone[1:].split(":")
            sign = -1 if zone[0] == "-" else 1
            tz = datetime.timezone(sign * datetime.timedelta(hours=int(h), minutes=int(m)))
        else:
            tz = zoneinfo.ZoneInfo(zone)
        names = {"viettel": "452-04", "vinaphone": "452-02", "mobifone": "452-01"}
        modes = {"5G": "5G", "LTE": "4G", "HSPA+": "3G", "HSPA": "3G", "HSDPA": "3G", "HSUPA": "3G", "UMTS": "3G",
                 "EDGE": "2G", "GPRS": "2G", "GSM": "2G"}
        anchor = {"rsrp_dbm": "RSRP", "rsrq_db": "RSRQ", "sinr_db": "SNR"}
        read = {"4G": anchor, "5G": dict(anchor, nr_ss_rsrp_dbm="NRxRSRP", nr_ss_rsrq_db="NRxRSRQ"),
                "3G": {"rscp_dbm": "RSRP", "ecio_db": "RSRQ"}, "2G": {"rssi_dbm": "RSSI"}}
        valid = {"rsrp_dbm": (-140, -44), "rsrq_db": (-34, 2.5), "sinr_db": (-23, 40), "nr_ss_rsrp_dbm": (-156, -31),
                 "nr_ss_rsrq_db": (-43, 20), "rscp_dbm": (-120, -25), "ecio_db": (-24, 0), "rssi_dbm": (-113, -51)}
        out = {"rows": 0, "accepted": {}, "rejected": [], "metrics": {}, "first": None, "last": None, "timed": 0,
               "dl": [0, 0.0], "ul": [0, 0.0], "operators": {}}
        def value(row, header, name):
            v = row[header.index(name)].strip()
            return None if v in ("", "-") else v
        for path in sys.argv[2:]:
            with open(path, newline="") as f:
                rows = csv.reader(f)
                header = next(rows)
                for number, row in enumerate(rows, start=2):
                    if not row:
                        continue
                    out["rows"] += 1
                    get = lambda name: value(row, header, name)
                    try:
                        assert len(row) == len(header)
                        mode = get("NetworkMode")
                        technology = modes[mode.upper()]
                        lat, lon = float(get("Latitude")), float(get("Longitude"))
                        assert -90 <= lat <= 90 and -180 <= lon <= 180
                        stamp = get("Timestamp")
                        time = None
                        if stamp is not None:
                            local = datetime.datetime.strptime(stamp, "%Y.%m.%d_%H.%M.%S")
                            time = local.replace(tzinfo=tz).timestamp()
                        counts = {}
                        for metric, column in read[technology].items():
                            v = get(column)
                            if v is None or float(v) in (-200.0, -205.0):
                                kind = 1
                            elif valid[metric][0] <= float(v) <= valid[metric][1]:
                                kind = 0
                            else:
                                kind = 2
                            counts[metric] = kind
                        rates = {k: get(c) for k, c in (("dl", "DL_bitrate"), ("ul", "UL_bitrate"))}
                        rates = {k: float(v) for k, v in rates.items() if v is not None}
                    except (AssertionError, KeyError, ValueError, TypeError, AttributeError):
                        out["rejected"].append([path, str(number)])
                        continue
                    out["accepted"][technology] = out["accepted"].get(technology, 0) + 1
                    for metric, kind in counts.items():
                        out["metrics"].setdefault(metric, [0, 0, 0])[kind] += 1
                    if time is not None:
                        out["timed"] += 1
                        out["first"] = time if out["first"] is None else min(out["first"], time)
                        out["last"] = time if out["last"] is None else max(out["last"], time)
                    for k, v in rates.items():
                        if v >= 0:
                            out[k][0] += 1
                            out[k][1] += v
                    operator = get("Operatorname") or ""
                    operator = names.get(operator.lower(), operator)
                    out["operators"][operator] = out["operators"].get(operator, 0) + 1
        print(json.dumps(out))
        """#

    /// The same figures from CoverageModel's reader over `paths` with `mapping`.
    static func reading(_ paths: [String], mapping: ColumnMapping) throws -> GNetTrackReference {
        var result = GNetTrackReference(
            rows: 0, accepted: [:], rejected: [], metrics: [:], first: nil, last: nil, timed: 0, dl: [0, 0],
            ul: [0, 0], operators: [:])
        var summary = ImportSummary()
        var accepted: [SignalMetric: Int] = [:]
        for path in paths {
            let reader = try makeReportReader(path: path, mapping: mapping)
            while let report = try reader.next() {
                for metric in SignalMetric.allCases where report[metric] != nil { accepted[metric, default: 0] += 1 }
                if let time = report.time {
                    result.timed += 1
                    result.first = min(result.first ?? time, time)
                    result.last = max(result.last ?? time, time)
                }
                if let dl = report.dlKbps { result.dl = [result.dl[0] + 1, result.dl[1] + dl] }
                if let ul = report.ulKbps { result.ul = [result.ul[0] + 1, result.ul[1] + ul] }
                result.operators[report.operatorCode ?? "", default: 0] += 1
            }
            summary.merge(reader.summary)
        }
        result.rows = summary.rowsRead
        result.accepted = Dictionary(uniqueKeysWithValues: summary.accepted.map { ($0.key.rawValue, $0.value) })
        result.rejected = summary.rejections.map { [$0.file, "\($0.row)"] }
        let metrics = Set(accepted.keys).union(summary.sentinelValues.keys).union(summary.droppedOutOfRange.keys)
        for metric in metrics {
            result.metrics[metric.rawValue] = [
                accepted[metric] ?? 0, summary.sentinelValues[metric] ?? 0, summary.droppedOutOfRange[metric] ?? 0,
            ]
        }
        return result
    }
}
