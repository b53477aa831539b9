/// Reads the numbers the modem tools print, with their "no value" spellings.
enum SignalNumber {
    /// The number at the start of `text` (`-95.00`, `'-47 dBm'`, `-67,00` from a comma-decimal locale), nil for the
    /// tools' "no value" spellings (`--`, `-`, empty); throws when it is neither.
    static func parse(_ raw: Substring, context: @autoclosure () -> String) throws(ModemSignalError) -> Double? {
        var text = raw.trimming([" ", "\t", "'", "\"", "\r"])
        if text.isEmpty || text == "-" || text == "--" { return nil }
        // A unit after the number: "-47 dBm", "30.0 dB".
        if let space = text.firstIndex(of: " ") { text = String(text[..<space]) }
        // mmcli formats with the C library in the current locale: "-67,00" where the decimal mark is a comma.
        if text.filter({ $0 == "," }).count == 1, !text.contains(".") {
            text = String(text.map { $0 == "," ? "." : $0 })
        }
        guard let value = Double(text), value.isFinite else {
            throw ModemSignalError(.badNumber, context: context(), "expected a number, got \"\(raw)\"")
        }
        return value
    }
}

extension StringProtocol {
    func trimming(_ set: Set<Character>) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
