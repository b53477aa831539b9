import Crypto
import Foundation

/// Signs and verifies webhook requests as the Standard Webhooks specification defines.
///
/// The signed content is `"\(id).\(timestamp).\(body)"`; the signature is `v1,` followed by the base64 of its
/// HMAC-SHA256 under the key, which is the base64-decoded part of the secret after `whsec_`.
public struct StandardWebhookSigner: Sendable {
    /// The HMAC key bytes (kept as bytes: `SymmetricKey` is not `Sendable`).
    public let keyBytes: [UInt8]

    /// Creates a signer from a `whsec_…` secret (the prefix is optional).
    public init(secret: String) throws(DeliveryError) {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst("whsec_".count)) : secret
        guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else {
            throw DeliveryError(
                code: .invalidConfiguration,
                message: "the webhook secret is not base64 after its whsec_ prefix",
                context: "secret of \(secret.count) characters")
        }
        self.keyBytes = Array(bytes)
    }

    /// The `v1,<base64>` signature of one message.
    public func signature(id: String, timestamp: Int64, body: some Collection<UInt8>) -> String {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: self.keyBytes))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three request headers: `webhook-id`, `webhook-timestamp` and `webhook-signature`.
    public func headers(id: String, timestamp: Int64, body: some Collection<UInt8>) -> [(String, String)] {
        [
            ("webhook-id", id),
            ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", self.signature(id: id, timestamp: timestamp, body: body)),
        ]
    }

    /// Whether a `webhook-signature` header (possibly several space-separated signatures) holds a valid one.
    ///
    /// `tolerance` bounds how far the timestamp may be from `now` (replay protection); nil skips that check.
    public func verify(
        id: String, timestamp: Int64, body: some Collection<UInt8>, signatureHeader: String,
        now: Date = Date(), tolerance: TimeInterval? = 300
    ) -> Bool {
        if let tolerance, abs(now.timeIntervalSince1970 - Double(timestamp)) > tolerance { return false }
        let expected = Array(self.signature(id: id, timestamp: timestamp, body: body).utf8)
        for candidate in signatureHeader.split(separator: " ") {
            let bytes = Array(candidate.utf8)
            guard bytes.count == expected.count else { continue }
            var difference: UInt8 = 0
            for index in bytes.indices { difference |= bytes[index] ^ expected[index] }
            if difference == 0 { return true }
        }
        return false
    }
}
