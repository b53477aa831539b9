/// MCC-MNC in the form of the canonical reports: `452-04`.
enum OperatorCode {
    /// From a mobile country code and a network code as the tool printed them. Codes printed as numbers get their
    /// leading zeros back (qmicli prints `MNC: '4'` for 04, Quectel `1` for the test MCC 001): the MCC is three
    /// digits, the MNC two unless three were given or `threeDigits` says so.
    static func make(mcc: String, mnc: String, threeDigits: Bool = false) -> String? {
        guard (1...3).contains(mcc.count), mcc.allSatisfy(\.isASCIIDigit), (1...3).contains(mnc.count),
            mnc.allSatisfy(\.isASCIIDigit)
        else { return nil }
        let width = threeDigits || mnc.count == 3 ? 3 : 2
        let paddedMCC = String(repeating: "0", count: 3 - mcc.count) + mcc
        return "\(paddedMCC)-\(String(repeating: "0", count: width - mnc.count))\(mnc)"
    }

    /// From ModemManager's `operator-code`, MCC and MNC run together (`45204`, `310260`).
    static func make(plmn: String) -> String? {
        guard plmn.count == 5 || plmn.count == 6, plmn.allSatisfy(\.isASCIIDigit) else { return nil }
        return self.make(mcc: String(plmn.prefix(3)), mnc: String(plmn.dropFirst(3)))
    }
}

extension Character {
    var isASCIIDigit: Bool { self.isASCII && self.isNumber }
}
