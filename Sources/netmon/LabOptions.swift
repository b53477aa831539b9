import ArgumentParser
import Foundation
import NetmonLab

/// Options every `netmon lab` subcommand shares: which lab and where its state lives.
struct LabOptions: ParsableArguments {
    @Option(help: "Name of the lab (1–8 lowercase letters or digits); its namespaces are nml-<lab>-….")
    var lab: String = LabNames.defaultLab

    @Option(help: "Folder of lab state (a sub-folder per lab).")
    var stateDir: String = LabController.defaultStateRoot

    /// The controller, or exit 2 with the reason.
    func controller() throws -> LabController {
        do throws(LabError) {
            return try LabController(lab: self.lab, stateRoot: self.stateDir)
        } catch {
            throw LabFailure.exit(error)
        }
    }
}

/// Printing a lab error and exiting: 2 for bad arguments and missing labs, 3 without root, 1 otherwise.
enum LabFailure {
    static func exit(_ error: LabError, command: String = "netmon lab") -> ExitCode {
        FileHandle.standardError.write(Data("\(command): \(error)\n".utf8))
        switch error.code {
        case .notPermitted: return ExitCode(3)
        case .invalidArgument, .notFound: return ExitCode(2)
        default: return ExitCode(1)
        }
    }

    /// The running netmon executable, for the responder.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
