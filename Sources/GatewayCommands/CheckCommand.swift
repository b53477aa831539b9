import ArgumentParser
import Foundation
import SiteCatalog

extension Gateway {
    /// `netmon check [sites.yaml]`: validates the configuration and prints every problem as `path:line:column: message`.
    public struct Check: AsyncParsableCommand {
        public init() {}

        public static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate sites.yaml and report every problem with its line and column.",
            discussion: """
                Exit status: 0 when the file is valid, 1 when it has problems (each printed to standard error as \
                path:line:column: message), 2 when it cannot be read or is not YAML.
                """
        )

        @Argument(help: "The configuration file to validate.")
        var path: String = "sites.yaml"

        @Flag(help: "Print one JSON document on standard output instead of text.")
        var json = false

        public func run() async throws {
            let result: Result<SitesConfig, ConfigError>
            do throws(ConfigError) {
                result = .success(try SitesConfig.load(path: self.path))
            } catch {
                result = .failure(error)
            }
            if self.json {
                try self.printJSON(result)
            } else {
                self.printText(result)
            }
            if case .failure(let error) = result {
                throw ExitCode(error.code == .invalid ? 1 : 2)
            }
        }

        private func printText(_ result: Result<SitesConfig, ConfigError>) {
            switch result {
            case .success(let config):
                print("\(self.path): valid: \(Self.summary(config))")
            case .failure(let error):
                var standardError = StandardError()
                for diagnostic in error.diagnostics {
                    print(diagnostic.description, to: &standardError)
                }
                let count = error.diagnostics.count
                let verdict =
                    switch error.code {
                    case .unreadable: "cannot be read"
                    case .unparsable: "is not valid YAML"
                    default: "has \(count) problem\(count == 1 ? "" : "s")"
                    }
                print("\(self.path) \(verdict)", to: &standardError)
            }
        }

        private func printJSON(_ result: Result<SitesConfig, ConfigError>) throws {
            struct Report: Encodable {
                var path: String
                var valid: Bool
                var error: String?
                var summary: String?
                var problems: [Diagnostic]
            }
            let report =
                switch result {
                case .success(let config):
                    Report(path: self.path, valid: true, error: nil, summary: Self.summary(config), problems: [])
                case .failure(let error):
                    Report(
                        path: self.path, valid: false, error: "\(error.code)", summary: nil, problems: error.diagnostics
                    )
                }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }

        /// Standard error as a `TextOutputStream`, for `print(_:to:)`.
        private struct StandardError: TextOutputStream {
            mutating func write(_ string: String) {
                FileHandle.standardError.write(Data(string.utf8))
            }
        }

        private static func summary(_ config: SitesConfig) -> String {
            let targets = config.communes.reduce(0) { $0 + config.targets(for: $1).count }
            return "\(config.province.name), \(config.communes.count) communes, \(targets) probe targets, "
                + "\(config.network.datacenter.services.count) data-centre services, "
                + "\(config.alerts.receivers.count) alert receivers"
        }
    }
}
