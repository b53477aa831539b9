import NetMonitor

extension JSONBytes {
    /// A number rounded to six decimals as `SixDecimals` writes it (`netmon ping --json`), or `null`.
    mutating func sixDecimals(_ value: Double?) {
        guard let value else { return self.null() }
        self.value { SixDecimals.append(value, to: &$0) }
    }
}
