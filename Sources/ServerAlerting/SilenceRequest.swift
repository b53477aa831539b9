import Alerting
import Foundation
import NetmonServer

/// The body of `POST /api/v1/silences`, as `netmon alerts silence add` takes it:
///
/// ```json
/// {"matchers": ["commune=12345", "severity=~crit.*"], "startsAt": "2026-01-01T22:00:00+07:00",
///  "duration": "2h", "createdBy": "noc", "comment": "maintenance"}
/// ```
///
/// `matchers` is required (all must match); `startsAt` defaults to now; give `endsAt` or `duration` (default 2h),
/// not both; `createdBy` defaults to the token's name.
struct SilenceRequest: Decodable {
    var matchers: [String]
    var startsAt: String?
    var endsAt: String?
    var duration: String?
    var createdBy: String?
    var comment: String?

    static let fields: Set<String> = ["matchers", "startsAt", "endsAt", "duration", "createdBy", "comment"]

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
        var parsed: [LabelMatcher] = []
        for (index, text) in self.matchers.enumerated() {
            parsed.append(try AlertingAPI.matcher(text, context: "matchers[\(index)]"))
        }
        var startsAt = now
        if let text = self.startsAt {
            guard let date = RFC3339.parse(text) else {
                throw AlertSourceError(
                    .invalidRequest, "'\(text)' is not an RFC 3339 time such as 2026-01-01T22:00:00+07:00",
                    context: "startsAt")
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
            endsAt = date
        case (nil, let text):
            let text = text ?? "2h"
            guard let seconds = AlertListing.seconds(text) else {
                throw AlertSourceError(
                    .invalidRequest, "'\(text)' is not a duration such as 90s, 30m, 2h or 1d", context: "duration")
            }
            endsAt = startsAt.addingTimeInterval(seconds)
        }
        guard endsAt > startsAt else {
            throw AlertSourceError(.invalidRequest, "the silence must end after it starts", context: "endsAt")
        }
        guard endsAt > now else {
            throw AlertSourceError(.invalidRequest, "the silence would already be over", context: "endsAt")
        }
        return Silence(
            matchers: parsed, startsAt: startsAt, endsAt: endsAt, createdBy: self.createdBy ?? author,
            comment: self.comment ?? "")
    }
}
