import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NetmonLab
import Testing

@testable import Alerting

/// `DeliveryHTTPClient` (AsyncHTTPClient underneath) against real loopback receivers: what a sender sees of a
/// redirect, a silent receiver, a dropped connection and a long body.
@Suite("The delivery HTTP client")
struct DeliveryHTTPClientTests {
    @Test("the delivery client returns a 3xx as it is, times out a silent receiver, and reports a dropped connection")
    func deliveryClient() async throws {
        let server = try await LabHTTPReceiver(script: [.redirect("/elsewhere"), .hang, .close])
        let endpoint = try HTTPEndpoint(server.url)
        let redirect = try await deliveryHTTP.execute(endpoint: endpoint, body: Array("{}".utf8), timeout: 5)
        #expect(redirect.status == 307)
        #expect(redirect.header("location") == "/elsewhere")
        #expect(server.attempts == 1)  // the redirect was not followed
        let started = ContinuousClock.now
        do {
            _ = try await deliveryHTTP.execute(endpoint: endpoint, body: Array("{}".utf8), timeout: 0.5)
            Issue.record("a receiver that never answers did not time out")
        } catch {
            #expect(error.code == .timedOut && error.isTransient, "\(error)")
            #expect(error.context == server.url)
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        do {
            _ = try await deliveryHTTP.execute(endpoint: endpoint, body: Array("{}".utf8), timeout: 5)
            Issue.record("a connection closed without an answer was taken as a response")
        } catch {
            #expect(error.code == .connectionFailed && error.isTransient, "\(error)")
        }
        #expect(server.attempts == 3)
        await server.shutdown()
    }

    @Test("the delivery client keeps 1 MiB of a long error body and still answers")
    func longResponseBody() async throws {
        let router = Router()
        router.post("hook") { _, _ in
            Response(
                status: .internalServerError,
                body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: 3 << 20)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let response = try await deliveryHTTP.execute(
                endpoint: try HTTPEndpoint("http://127.0.0.1:\(port)/hook"), body: Array("{}".utf8), timeout: 10)
            #expect(response.status == 500)
            #expect(response.body.count == DeliveryHTTPClient.maxBodyBytes)
            // The error a sender makes of it quotes the start of the body only.
            do throws(DeliveryError) {
                try WebhookSender.check(response, context: "hook", now: Date())
                Issue.record("a 500 was taken as delivered")
            } catch {
                #expect(error.isTransient && error.message.count < 300, "\(error.message.count)")
            }
        }
    }
}
