import Foundation

/// A multipart/alternative email (plain text and HTML), rendered to the bytes sent after SMTP `DATA`.
public struct EmailMessage: Sendable, Hashable {
    /// How the two bodies are transfer-encoded.
    public enum BodyEncoding: String, Sendable, Hashable, Codable {
        case base64
        case quotedPrintable = "quoted-printable"
    }

    public var from: String
    public var to: [String]
    public var subject: String
    public var text: String
    public var html: String
    public var date: Date
    /// Without angle brackets, e.g. `msg_abc@netmon`.
    public var messageID: String
    public var bodyEncoding: BodyEncoding
    /// Extra headers (ASCII names; values encoded if needed).
    public var extraHeaders: [(String, String)] { self.extraHeaderPairs.map(\.tuple) }
    var extraHeaderPairs: [Pair]

    struct Pair: Sendable, Hashable {
        var name: String
        var value: String
        var tuple: (String, String) { (self.name, self.value) }
    }

    public init(
        from: String, to: [String], subject: String, text: String, html: String, date: Date, messageID: String,
        bodyEncoding: BodyEncoding = .base64, extraHeaders: [(String, String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.messageID = messageID
        self.bodyEncoding = bodyEncoding
        self.extraHeaderPairs = extraHeaders.map { Pair(name: $0.0, value: $0.1) }
    }

    /// The boundary between the parts (derived from the Message-ID, so rendering is deterministic).
    public var boundary: String {
        let safe = self.messageID.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }
        return "=_netmon_" + String(String.UnicodeScalarView(safe)).prefix(40)
    }

    /// The message with CRLF line ends, headers then body (not dot-stuffed).
    public func rendered() -> String {
        var lines: [String] = []
        lines.append("From: \(MIMEEncoding.encodedWords(self.from))")
        lines.append("To: \(self.to.joined(separator: ", "))")
        lines.append("Subject: \(MIMEEncoding.encodedWords(self.subject))")
        lines.append("Date: \(MIMEEncoding.rfc5322Date(self.date))")
        lines.append("Message-ID: <\(self.messageID)>")
        lines.append("MIME-Version: 1.0")
        for pair in self.extraHeaderPairs { lines.append("\(pair.name): \(MIMEEncoding.encodedWords(pair.value))") }
        lines.append("Content-Type: multipart/alternative; boundary=\"\(self.boundary)\"")
        var message = lines.joined(separator: "\r\n") + "\r\n\r\n"
        message += "This is a multi-part message in MIME format.\r\n"
        for (type, content) in [("text/plain", self.text), ("text/html", self.html)] {
            message += "--\(self.boundary)\r\n"
            message += "Content-Type: \(type); charset=UTF-8\r\n"
            message += "Content-Transfer-Encoding: \(self.bodyEncoding.rawValue)\r\n\r\n"
            switch self.bodyEncoding {
            case .base64: message += MIMEEncoding.base64Lines(Array(content.utf8))
            case .quotedPrintable: message += MIMEEncoding.quotedPrintable(content)
            }
        }
        message += "--\(self.boundary)--\r\n"
        return message
    }
}
