import ArgumentParser

extension Netmon {
    /// `netmon coverage`: signal reports → commune coverage, dead zones and GeoJSON; and simulated drive tests.
    struct Coverage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "coverage",
            abstract: "Turn signal reports into commune coverage, dead zones and GeoJSON.",
            discussion: """
                Exit status: 0 on success, 1 when reports or boundaries cannot be read (or a bad row in \
                --strict mode), 2 when sites.yaml is invalid.
                """,
            subcommands: [CoverageReport.self, CoverageExport.self, CoverageUpload.self, CoverageSimulate.self]
        )
    }
}
