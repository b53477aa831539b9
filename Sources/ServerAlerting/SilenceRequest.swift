import Alerting
import Foundation
import NetmonProtocol
import NetmonServer
import SiteCatalog

/// The body of `POST /api/v1/silences`, as `netmon alerts silence add` takes it:
///
/// ```json
/// {"matchers": ["commune=12345", "severity=~crit.*"], "startsAt": "2026-01-01T22:00:00+07:00",
///  "duration": "2h", "createdBy": "noc", "comment": "maintenance"}
/// ```
///
/// `matchers` is required (all must match); `startsAt` defaults to now; give `endsAt` or `duration` (default 2h),
/// not both. Times lie between 2000 and 2100, and a silence lasts at most ``maxSeconds`` (400 days).
///
/// The silence's `createdBy` is always the name of the token that made the request: the audit trail cannot be
/// written by the client. A `createdBy` in the body is accepted (older clients send it) and, when it differs from
/// the token's name, kept as free text at the start of the comment ("on behalf of NAME: ..."), never as the author.
struct SilenceRequest: Decodable {
    var matchers: [String]
    var startsAt: String?
    var endsAt: String?
    var duration: String?
    var createdBy: String?
    var comment: String?

    static let fields: Set<String> = ["matchers", "startsAt", "endsAt", "duration", "createdBy", "comment"]
    /// The longest silence: 400 days.
    static let maxSeconds: Double = 400 * 86_400
    /// Times a silence may name: 2000-01-01 to 2100-01-01.
    static let dateRange = Date(timeIntervalSince1970: 946_684_800)...Date(timeIntervalSince1970: 4_102_444_800)
    /// At most this many matchers, each at most ``maxMatcherLength`` bytes.
    static let maxMatchers = 64
    static let maxMatcherLength = 1024

    /// Decodes and checks the shape; unknown fields are refused (a typo must not silence more than meant).
    static func decode(_ body: Data) throws(AlertSourceError) -> SilenceRequest {
        guard let object = try? JSONSerialization.jsonObject(with: body), let fields = object as? [String: Any] else {
            throw AlertSourceError(.invalidRequest, "the body must be a JSON object", context: "body")
        }
        if let unknown = fields.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw AlertSourceError(
                .invalidRequest, "unknown field; use \(Self.fields.sorted().joined(separator: ", "))", context: unknown)
        }
        do {
            return try JSONDecoder().decode(SilenceRequest.self, from: body)
        } catch let DecodingError.keyNotFound(key, _) {
            throw AlertSourceError(.invalidRequest, "is required", context: key.stringValue)
        } catch let DecodingError.typeMismatch(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw AlertSourceError(.invalidRequest, "has the wrong type: \(context.debugDescription)", context: path)
        } catch {
            throw AlertSourceError(.invalidRequest, "\(error)", context: "body")
        }
    }

    /// The silence this request describes, checked.
    func silence(author: String, now: Date) throws(AlertSourceError) -> Silence {
        guard !self.matchers.isEmpty else {
            throw AlertSourceError(
                .invalidRequest, "needs at least one matcher such as commune=12345", context: "matchers")
        }
        guard self.matchers.count <= Self.maxMatchers else {
            throw AlertSourceError(.invalidRequest, "at most \(Self.maxMatchers) matchers", context: "matchers")
        }
        var parsed: [LabelMatcher] = []
        for (index, text) in self.matchers.enumerated() {
            guard text.utf8.count <= Self.maxMatcherLength else {
                throw AlertSourceError(
                    .invalidRequest, "longer than \(Self.maxMatcherLength) bytes", context: "matchers[\(index)]")
            }
            parsed.append(try AlertingAPI.matcher(text, context: "matchers[\(index)]"))
        }
        var startsAt = now
        if let text = self.startsAt {
            guard let date = RFC3339.parse(text) else {
                throw AlertSourceError(
                    .invalidRequest, "'\(text)' is not an RFC 3339 time such as 2026-01-01T22:00:00+07:00",
                    context: "startsAt")
            }
            guard Self.dateRange.contains(date) else {
                throw AlertSourceError(.invalidRequest, "'\(text)' is not between 2000 and 2100", context: "startsAt")
            }
            startsAt = date
        }
        let endsAt: Date
        switch (self.endsAt, self.duration) {
        case (.some, .some):
            throw AlertSourceError(.invalidRequest, "give either endsAt or duration, not both", context: "duration")
        case (.some(let text), nil):
            guard let date = RFC3339.parse(text) else {
                throw AlertSourceError(.invalidRequest, "'\(text)' is not an RFC 3339 time", context: "endsAt")
            }
            guard Self.dateRange.contains(date) else {
                throw AlertSourceError(.invalidRequest, "'\(text)' is not between 2000 and 2100", context: "endsAt")
            }
            endsAt = date
        case (nil, let text):
            let text = text ?? "2h"
            guard let duration = DurationText.parse(text), DurationText.seconds(duration) > 0 else {
                throw AlertSourceError(
                    .invalidRequest, "'\(text)' is not a duration such as 90s, 30m, 2h, 1h30m or 1d",
                    context: "duration")
            }
            let seconds = DurationText.seconds(duration)
            guard seconds <= Self.maxSeconds else {
                throw AlertSourceError(.invalidRequest, "'\(text)' is longer than 400 days", context: "duration")
            }
            endsAt = startsAt.addingTimeInterval(seconds)
        }
        guard endsAt > startsAt else {
            throw AlertSourceError(.invalidRequest, "the silence must end after it starts", context: "endsAt")
        }
        guard endsAt.timeIntervalSince(startsAt) <= Self.maxSeconds else {
            throw AlertSourceError(.invalidRequest, "a silence may last at most 400 days", context: "endsAt")
        }
        guard endsAt > now else {
            throw AlertSourceError(.invalidRequest, "the silence would already be over", context: "endsAt")
        }
        return Silence(
            matchers: parsed, startsAt: startsAt, endsAt: endsAt, createdBy: author,
            comment: self.recordedComment(author: author))
    }

    /// The comment as stored: a client-supplied `createdBy` other than the token's name is kept here, as free text.
    func recordedComment(author: String) -> String {
        let comment = self.comment ?? ""
        guard let claimed = self.createdBy, !claimed.isEmpty, claimed != author else { return comment }
        return "on behalf of \(claimed)" + (comment.isEmpty ? "" : ": \(comment)")
    }
}
