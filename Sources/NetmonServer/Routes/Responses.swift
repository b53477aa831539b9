import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Response helpers.
enum Responses {
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try WireJSON.encoder().encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(
        _ text: String, contentType: String, status: HTTPResponse.Status = .ok, cache: String = "no-store"
    )
        -> Response
    {
        Response(
            status: status, headers: [.contentType: contentType, .cacheControl: cache],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func geojson(_ text: String) -> Response {
        Self.text(text, contentType: "application/geo+json; charset=utf-8")
    }
}
