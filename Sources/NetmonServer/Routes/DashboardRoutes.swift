import Foundation
import Hummingbird

/// The dashboard: one HTML page, its script and style (compiled into the binary), and Debian's Leaflet served
/// read-only from its installed folder. No build step, nothing from the internet, no map tiles.
struct DashboardRoutes {
    let state: ServerState

    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

    func register(on router: Router<ServerRequestContext>) {
        router.get("/") { _, _ in
            var r = Responses.text(DashboardAssets.html, contentType: "text/html; charset=utf-8", cache: "no-cache")
            r.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
            return r
        }
        router.get("/dashboard.js") { _, _ in
            Responses.text(DashboardAssets.script, contentType: "text/javascript; charset=utf-8", cache: "no-cache")
        }
        router.get("/dashboard-coverage.js") { _, _ in
            Responses.text(
                DashboardCoverageAssets.script, contentType: "text/javascript; charset=utf-8", cache: "no-cache")
        }
        router.get("/dashboard.css") { _, _ in
            Responses.text(DashboardAssets.style, contentType: "text/css; charset=utf-8", cache: "no-cache")
        }
        router.get("/static/leaflet/**") { request, context in
            try leafletFile(context.parameters.getCatchAll().joined(separator: "/"))
        }
    }

    /// A file of the installed Leaflet package; names are checked so that nothing outside its folder is served.
    func leafletFile(_ name: String) throws -> Response {
        let allowed = name.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "._-/".unicodeScalars.contains($0)
        }
        guard !name.isEmpty, allowed, !name.contains(".."), !name.hasPrefix("/") else {
            throw HTTPError(.badRequest, message: "bad static file name")
        }
        let types = [
            "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "png": "image/png",
            "svg": "image/svg+xml", "map": "application/json",
        ]
        let ext = (name as NSString).pathExtension
        guard let type = types[ext] else { throw HTTPError(.notFound, message: "no such static file") }
        let path = state.configuration.leafletDirectory + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HTTPError(
                .notFound,
                message:
                    "Leaflet file '\(name)' not found in \(state.configuration.leafletDirectory) (install Debian's libjs-leaflet)"
            )
        }
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=86400"],
            body: .init(byteBuffer: .init(bytes: data)))
    }
}
