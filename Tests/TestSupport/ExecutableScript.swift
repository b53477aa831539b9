import Foundation

/// An executable script for a test to run as a program (a stand-in sendmail, mmcli or qmicli).
///
/// Written by `install(1)`, another process, so that this test process never holds a writable descriptor of the
/// script: Foundation's file writes are not close-on-exec, and a child that another suite spawns at that instant
/// (a server, aiosmtpd, Alertmanager) would inherit the descriptor and keep it for its whole life, making every
/// `execve` of the script fail with "Text file busy" (seen in CI).
public enum ExecutableScript {
    /// Writes `text` as an executable (mode 755) file at `path`, replacing what is there.
    public static func write(_ text: String, to path: String) throws {
        let staging = path + ".staging"
        try text.write(toFile: staging, atomically: false, encoding: .utf8)
        defer { unlink(staging) }
        try Shell.run(["/usr/bin/install", "-m", "755", staging, path])
    }
}
