import ArgumentParser
import CoverageModel
import Foundation
import NetmonProtocol
import SiteCatalog

/// Options shared by `netmon coverage report` and `export`.
struct CoverageInputOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file (its coverage: section and boundaries file are used).")
    var config: String = "sites.yaml"

    @Argument(
        help: """
            Signal report files: CSV (through --preset), JSON Lines (.jsonl) or GeoJSON points (.geojson); a folder \
            stands for its .csv and .txt files in name order.
            """)
    var reports: [String]

    @Option(name: .long, help: "Column mapping for CSV files: canonical (default), cork-5g or gnettrack.")
    var preset: String = "canonical"

    @Option(
        name: .long,
        help: """
            Time zone of CSV times written without a UTC offset: an IANA name (Asia/Ho_Chi_Minh, Europe/Dublin), UTC or \
            an offset (+07:00). Default: the preset's (gnettrack: UTC+07:00, Việt Nam; cork-5g: Europe/Dublin; \
            canonical: times must carry their offset).
            """)
    var timezone: String?

    @Flag(name: .long, help: "Stop at the first bad row instead of rejecting it and going on.")
    var strict = false

    @Option(
        name: .long,
        help: "Threads parsing CSV rows (0 reads on one thread; the result is the same). Default: one per processor.")
    var threads: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Count only reports up to this time: RFC 3339, or a date meaning the end of that day at UTC+07:00.",
            discussion: "Reports after it, and reports without a time, are skipped and counted on standard error."))
    var until: String?

    func validate() throws {
        if let until = self.until { _ = try CoverageCutoff.parse(until) }
        if self.reports.isEmpty { throw ValidationError("Give at least one report file.") }
        if let threads = self.threads, threads < 0 { throw ValidationError("--threads must be 0 or more.") }
        try Self.validate(preset: self.preset, timezone: self.timezone)
    }

    /// Refuses an unknown preset or time zone (shared with `netmon coverage upload`).
    static func validate(preset: String, timezone: String?) throws {
        if ColumnMapping.presets[preset] == nil {
            throw ValidationError(
                "Unknown preset '\(preset)'; known: \(ColumnMapping.presets.keys.sorted().joined(separator: ", "))."
            )
        }
        if let timezone {
            do throws(ReportReadError) {
                _ = try TimeZoneRule(parsing: timezone)
            } catch {
                throw ValidationError("--timezone: \(error.message).")
            }
        }
    }

    /// The preset, with --timezone applied.
    func mapping() throws -> ColumnMapping {
        var mapping = try ColumnMapping.preset(named: self.preset)
        if let timezone = self.timezone { mapping.timeZone = try TimeZoneRule(parsing: timezone) }
        return mapping
    }
}

/// The shared pipeline: config → settings, boundaries, reports → accumulator → analysis.
enum CoveragePipeline {
    struct Loaded {
        var config: SitesConfig
        var settings: CoverageModel.CoverageSettings
        var boundaries: [CommuneBoundary]
    }

    /// Loads sites.yaml and the communes; prints diagnostics and exits 2 on a bad config.
    static func load(configPath: String) throws -> Loaded {
        let config: SitesConfig
        let reading = BoundaryReading()
        do throws(ConfigError) {
            config = try SitesConfig.load(path: configPath, boundaries: reading.reader)
        } catch {
            var standardError = CoverageStderr()
            for diagnostic in error.diagnostics { print(diagnostic.description, to: &standardError) }
            print("\(configPath): fix the configuration (netmon check \(configPath)) and run again", to: &standardError)
            throw ExitCode(2)
        }
        guard let boundariesPath = config.province.boundariesPath else {
            Self.fail("\(configPath): province.boundaries names no boundaries file; add one", code: 2)
        }
        let boundaries: [CommuneBoundary]
        do {
            boundaries = try reading.communes(path: boundariesPath)
        } catch {
            Self.fail("\(error); check province.boundaries in \(configPath)", code: 1)
        }
        return Loaded(config: config, settings: Self.settings(config.coverage), boundaries: boundaries)
    }

    /// sites.yaml's `coverage:` section as the model's plain settings.
    static func settings(_ c: CoverageConfig) -> CoverageModel.CoverageSettings {
        let floors = c.floors.mapValues { CoverageFloor(metric: $0.metric, dbm: $0.dbm) }
        return CoverageModel.CoverageSettings(
            resolution: c.resolution, minSamples: c.minSamples, floors: floors,
            targets: CoverageModel.CoverageTargets(
                threeGEveryCommune: c.targets.threeGInEveryCommune, fourGEveryCommune: c.targets.fourGInEveryCommune,
                fiveGAreaRatio: c.targets.fiveGAreaRatio, maxDeadZones: c.targets.maxDeadZones,
                minMeasuredRatio: c.targets.minMeasuredRatio),
            speed: c.speed
        ).naming(operators: c.operators)
    }

    /// Reads every report file into an accumulator, with a progress bar on a terminal and the rejection
    /// report on standard error.
    static func accumulate(
        _ options: CoverageInputOptions, settings: CoverageModel.CoverageSettings
    ) throws
        -> (CoverageAccumulator, ImportSummary)
    {
        if let until = options.until {
            return try Self.accumulate(options, settings: settings, until: CoverageCutoff.parse(until))
        }
        let mapping = try options.mapping()
        let paths: [String]
        do {
            paths = try ReportFiles.expand(options.reports)
        } catch {
            Self.fail("\(error)", code: 1)
        }
        var accumulator = CoverageAccumulator(settings: settings)
        var total = ImportSummary(maxKeptRejections: 20)
        var perFile: [(String, ImportSummary)] = []
        for path in paths {
            if ReportFormat(path: path) == .csv {
                let source: FileByteSource
                do {
                    source = try FileByteSource(path: path)
                } catch {
                    Self.fail("\(error)", code: 1)
                }
                let progress = CoverageProgressBar(
                    label: (path as NSString).lastPathComponent, total: source.totalBytes)
                do {
                    let summary = try CSVCoverageIngest.accumulate(
                        source: source, mapping: mapping, strict: options.strict,
                        workers: options.threads ?? CSVCoverageIngest.defaultWorkers, into: &accumulator
                    ) { progress.update($0) }
                    progress.finish()
                    total.merge(summary)
                    perFile.append((path, summary))
                } catch {
                    progress.finish()
                    Self.fail("\(error)", code: 1)
                }
                continue
            }
            let summary = Self.forEachReport(path: path, mapping: mapping, strict: options.strict) {
                accumulator.add($0)
            }
            total.merge(summary)
            perFile.append((path, summary))
        }
        var standardError = CoverageStderr()
        if paths.count > 1 || paths != options.reports {
            print("\(paths.count) report files, in this order:", to: &standardError)
            for (path, summary) in perFile { print("  \(path): \(Self.counts(summary))", to: &standardError) }
        }
        if paths.contains(where: { ReportFormat(path: $0) == .csv }) && mapping.timeZone != .requireOffset {
            print(
                "times without a UTC offset read as \(mapping.timeZone) (preset \(mapping.name)\(options.timezone == nil ? "; --timezone to change" : ""))",
                to: &standardError)
        }
        Self.printSummary(total)
        return (accumulator, total)
    }

    /// Reads one report file one report at a time with a progress bar, handing each report to `body`; returns the
    /// file's import summary. Exits 1 on an unreadable file or a read error.
    static func forEachReport(
        path: String, mapping: ColumnMapping, strict: Bool, _ body: (SignalReport) -> Void
    ) -> ImportSummary {
        let reader: any SignalReportReader
        do {
            reader = try makeReportReader(path: path, mapping: mapping, strict: strict)
        } catch {
            Self.fail("\(error)", code: 1)
        }
        let progress = CoverageProgressBar(label: (path as NSString).lastPathComponent, total: reader.totalBytes)
        var n = 0
        do {
            while let report = try reader.next() {
                body(report)
                n += 1
                if n & 0xFFFF == 0 { progress.update(reader.bytesConsumed) }
            }
        } catch {
            progress.finish()
            Self.fail("\(error)", code: 1)
        }
        progress.finish()
        return reader.summary
    }

    /// `read N rows: N accepted (4G N, …), N rejected`.
    static func counts(_ s: ImportSummary) -> String {
        let accepted = Technology.allCases.compactMap { t in s.accepted[t].map { "\(t.rawValue) \($0)" } }.joined(
            separator: ", ")
        return "read \(s.rowsRead) rows: \(s.acceptedCount) accepted (\(accepted)), \(s.rejectedCount) rejected"
    }

    static func printSummary(_ s: ImportSummary) {
        var standardError = CoverageStderr()
        print(Self.counts(s), to: &standardError)
        if s.droppedCount > 0 {
            let parts = s.droppedOutOfRange.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                "\($0.key.rawValue) \($0.value)"
            }
            print("dropped out-of-range values: \(parts.joined(separator: ", "))", to: &standardError)
        }
        if !s.sentinelValues.isEmpty {
            let parts = s.sentinelValues.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                "\($0.key.rawValue) \($0.value)"
            }
            print("values saying \"no value\": \(parts.joined(separator: ", "))", to: &standardError)
        }
        for r in s.rejections { print("rejected \(r)", to: &standardError) }
        if s.rejectedCount > s.rejections.count {
            print("… and \(s.rejectedCount - s.rejections.count) more rejected rows", to: &standardError)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        var standardError = CoverageStderr()
        print("netmon coverage: \(message)", to: &standardError)
        Foundation.exit(code)
    }
}
