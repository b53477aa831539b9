import Foundation

/// A throw-away certificate for HTTPS and STARTTLS tests, made by `openssl req`: EC P-256, one day, for
/// `localhost` and 127.0.0.1, written as PEM to `certificate` and its unencrypted key to `key`.
public enum SelfSignedCertificate {
    /// Whether openssl is there to make one.
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    /// Writes the certificate and key; throws with openssl's output when it fails.
    public static func write(certificate: String, key: String) throws {
        let made = Spawn.run([
            "/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
        guard made.status == 0 else {
            throw ChildProcessError(message: "openssl req exited \(made.status): \(made.output)")
        }
    }

    /// Writes cert.pem and key.pem into `directory`.
    public static func write(in directory: URL) throws {
        try self.write(
            certificate: directory.appendingPathComponent("cert.pem").path,
            key: directory.appendingPathComponent("key.pem").path)
    }
}
