import Foundation

/// Encodings for email: RFC 2047 encoded-words, base64 bodies, quoted-printable bodies, dot-stuffing.
public enum MIMEEncoding {
    /// A header value as RFC 2047 encoded-words (`=?UTF-8?B?…?=`) when it is not plain ASCII.
    ///
    /// Each word is at most 75 characters and never splits a UTF-8 sequence; words are joined with CRLF + space
    /// (folding), so the header can be of any length.
    public static func encodedWords(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && !text.contains("=?") { return text }
        let prefix = "=?UTF-8?B?"
        let suffix = "?="
        // 75 − 12 characters of base64 → at most 45 bytes of UTF-8 per word.
        let maximumBytes = (75 - prefix.count - suffix.count) / 4 * 3
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > maximumBytes, !chunk.isEmpty {
                words.append(prefix + Data(chunk).base64EncodedString() + suffix)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(prefix + Data(chunk).base64EncodedString() + suffix) }
        return words.joined(separator: "\r\n ")
    }

    /// Base64 in lines of 76 characters, CRLF-terminated.
    public static func base64Lines(_ bytes: [UInt8]) -> String {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [Substring] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[index..<end])
            index = end
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// Quoted-printable (RFC 2045): lines of at most 76 characters, soft breaks `=`, CRLF line ends.
    public static func quotedPrintable(_ text: String) -> String {
        var output = ""
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        for (lineIndex, line) in lines.enumerated() {
            var current = ""
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                var piece: String
                if (byte == 0x20 || byte == 0x09) && !isLast {
                    piece = String(UnicodeScalar(byte))
                } else if byte >= 33 && byte <= 126 && byte != 61 {
                    piece = String(UnicodeScalar(byte))
                } else {
                    piece = String(format: "=%02X", byte)
                }
                if current.count + piece.count > 75 {
                    output += current + "=\r\n"
                    current = ""
                }
                current += piece
            }
            output += current
            if lineIndex < lines.count - 1 { output += "\r\n" }
        }
        return output + "\r\n"
    }

    /// SMTP transparency (RFC 5321 §4.5.2): a line starting with "." gets another ".".
    public static func dotStuffed(_ text: String) -> String {
        var result = text.hasPrefix(".") ? "." + text : text
        result = result.replacingOccurrences(of: "\r\n.", with: "\r\n..")
        return result
    }

    /// An RFC 5322 date: `Sun, 29 Nov 2026 06:36:24 +0000`.
    public static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
