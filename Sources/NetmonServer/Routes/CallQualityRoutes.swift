import Hummingbird

/// `GET /api/v1/call-quality`: every commune's meeting score (``CallQualityBoard``), for viewers.
struct CallQualityRoutes {
    let state: ServerState

    func register(on router: Router<ServerRequestContext>) {
        router.get("/api/v1/call-quality") { request, _ in
            let principal = try state.tokens.authorize(request, needing: .viewer)
            try RequestGuards.rateLimit(state, principal)
            return try Responses.json(try await CallQualityBoard.build(state: state))
        }
    }
}
