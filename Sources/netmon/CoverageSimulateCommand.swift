import ArgumentParser
import CoverageModel
import Foundation

extension Netmon.Coverage {
    /// `netmon coverage simulate`: deterministic drive tests over the province.
    struct CoverageSimulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate",
            abstract: "Write simulated drive tests over the province as canonical CSV.",
            discussion: """
                Cell sites of MobiFone (452-01), VinaPhone (452-02) and Viettel (452-04) on jittered grids, \
                3GPP macro path loss with log-normal shadowing, and a few areas without sites (real holes). \
                The same seed gives the same file.
                """
        )

        @Option(name: .long, help: "The configuration file (its boundaries file outlines the province).")
        var config: String = "sites.yaml"

        @Option(name: .long, help: "Number of rows to write.")
        var rows: Int = 100_000

        @Option(
            name: .long,
            help:
                "Seconds of driving between two reports (1: a report a second; larger: the same rows cover more road)."
        )
        var reportEvery: Int = 1

        @Option(name: .long, help: "Seed of the simulation.")
        var seed: UInt64 = 1

        @Option(name: .shortAndLong, help: "The CSV file to write.")
        var output: String

        func validate() throws {
            if self.rows < 0 { throw ValidationError("--rows must be at least 0.") }
            if !(1...3600).contains(self.reportEvery) {
                throw ValidationError("--report-every must be 1…3600 seconds.")
            }
        }

        func run() async throws {
            let loaded = try CoveragePipeline.load(configPath: self.config)
            let simulator = DriveTestSimulator(communes: loaded.boundaries, seed: self.seed)
            let progress = CoverageProgressBar(label: "simulate", total: nil)
            do {
                let sink = try AtomicFileSink(path: self.output)
                let writer = CanonicalCSVWriter(sink: sink)
                var n: Int64 = 0
                try simulator.run(rows: self.rows, reportEvery: self.reportEvery) { report in
                    try writer.write(report)
                    n += 1
                    if n & 0x3FFF == 0 { progress.update(n * 95) }
                }
                try writer.finish()
                try sink.commit()
                progress.finish()
                var standardError = CoverageStderr()
                print(
                    "wrote \(self.rows) rows from \(simulator.sites.count) sites to \(self.output)", to: &standardError)
            } catch {
                progress.finish()
                CoveragePipeline.fail("\(error)", code: 1)
            }
        }
    }
}
