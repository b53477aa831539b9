/// Why a modem's output could not be read, and where.
public struct ModemSignalError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The output is not what the tool prints (not JSON, no signal block, no `+QENG` line…).
        case unrecognizedOutput = "unrecognized-output"
        /// A value that should be a number is not one (or is not finite).
        case badNumber = "bad-number"
        /// A line has fewer fields than its form needs.
        case missingField = "missing-field"
        /// The tool itself reported an error (`error: …`, `ERROR`, `+CME ERROR`).
        case toolError = "tool-error"
        /// ModemManager polls no extended signal: `--signal-setup` was not issued.
        case signalPollingDisabled = "signal-polling-disabled"
        /// The command is not installed, or the device cannot be opened.
        case unavailable
        /// The command or the modem did not answer in time.
        case timeout
    }

    public var code: Code
    /// Where: a line number (`line 3`), a JSON path (`modem.signal.lte.rsrp`) or a field (`+QENG LTE field 14`).
    public var context: String
    public var message: String

    public init(_ code: Code, context: String, _ message: String) {
        self.code = code
        self.context = context
        self.message = message
    }

    public var description: String { "\(self.context): \(self.message)" }
}
