import Foundation

/// Reads a secret file named in sites.yaml (a webhook's `secret_file`, an SMTP `auth_password_file`), preferring
/// the copy systemd handed the service as a credential.
///
/// Under systemd, `LoadCredential=NAME:PATH` copies a root-only file into a folder only the service can read and
/// names that folder in `$CREDENTIALS_DIRECTORY`; a service with `DynamicUser=` cannot read the original. So when
/// the variable is set and holds a credential named like the file's last path component
/// (`LoadCredential=noc-webhook.secret:/etc/netmon/noc-webhook.secret` for `secret_file:
/// /etc/netmon/noc-webhook.secret`), that copy is read; otherwise the file itself. sites.yaml stays the same with
/// or without systemd.
public enum CredentialFile {
    /// Where `path` is read from under `environment`: the credential's copy when there is one, else `path`.
    public static func location(of path: String, environment: [String: String]) -> String {
        guard let folder = environment["CREDENTIALS_DIRECTORY"], !folder.isEmpty else { return path }
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard !name.isEmpty, name != "/" else { return path }
        let copy = URL(fileURLWithPath: folder).appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: copy) ? copy : path
    }

    /// The file's bytes (from the credential's copy when there is one), or nil when it cannot be read.
    public static func contents(of path: String, environment: [String: String]) -> Data? {
        FileManager.default.contents(atPath: self.location(of: path, environment: environment))
    }
}
