import Foundation
import TestSupport
import Testing

/// The repository holds what the product needs: a clone of HEAD into an empty folder, with no `shared/` beside it
/// or above it, passes `netmon check sites.yaml` and runs the demo (its no-root path) until the dashboard answers
/// with the province's 104 communes. The already-built binary runs from inside the clone; as root it runs as
/// nobody (setpriv), the way a user without sudo runs `scripts/demo`.
@Suite(
    "a fresh clone with nothing beside it",
    .enabled(if: CloneCheck.canClone, "needs curl, git and a git checkout of the repository that git can read"))
struct FreshCloneTests {
    /// The prefix that runs a command unprivileged: setpriv to nobody as root, nothing otherwise.
    static var unprivileged: [String] {
        Privileges.isRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
    }

    /// An empty folder readable by nobody, with the repository's HEAD cloned into `netmon` inside it.
    static func clone() throws -> (folder: String, clone: String) {
        let folder = NSTemporaryDirectory() + "netmon-clone-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let clone = folder + "/netmon"
        try Shell.run([
            "git", "-c", "safe.directory=*", "clone", "--quiet", "--no-hardlinks", RepositoryData.root.path, clone,
        ])
        try Shell.run(["chmod", "-R", "a+rX", folder])
        return (folder, clone)
    }

    /// Whether a `shared` folder is in `path` or any folder above it (then the clone would not show anything).
    static func sharedAbove(_ path: String) -> String? {
        var folder = URL(fileURLWithPath: path)
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("shared").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    @Test("netmon check sites.yaml passes in the clone, and sites.yaml names only files inside it")
    func check() throws {
        let (folder, clone) = try Self.clone()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(Self.sharedAbove(clone) == nil, "a shared folder above the clone: \(Self.sharedAbove(clone) ?? "")")
        let sites = try String(contentsOfFile: clone + "/sites.yaml", encoding: .utf8)
        #expect(!sites.contains("../"), "sites.yaml refers to a path outside the repository")
        #expect(FileManager.default.fileExists(atPath: clone + "/data/boundaries/hungyen_communes_2025.geojson"))
        #expect(FileManager.default.fileExists(atPath: clone + "/data/boundaries/README.md"))
        let result = try Shell.run(
            Self.unprivileged + ["env", "-C", clone, NetmonBinary.path, "check", "sites.yaml"], check: false)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("sites.yaml: valid: Hưng Yên, 104 communes"), "\(result.stdout)")
    }

    @Test("netmon demo without root runs from the clone until its dashboard answers with the 104 communes")
    func demo() throws {
        let (folder, clone) = try Self.clone()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let stateDir = folder + "/state"
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        try Shell.run(["chmod", "a+rwx", stateDir])
        let port = try freePort()
        let demo = try ChildProcess(
            Self.unprivileged + [
                "env", "-C", clone, NetmonBinary.path, "demo", "--config", "sites.yaml", "--port", String(port),
                "--state-dir", stateDir, "--drive-test-rows", "1000", "--duration", "300",
            ])
        defer { demo.stop() }
        try demo.waitForLine(startingWith: "server http://", timeout: 120)
        #expect(demo.stdout.contains("not root: no lab and no probes"), "\(demo.stdout)")
        let url = "http://127.0.0.1:\(port)"
        let page = try Shell.run(["curl", "-sf", "--max-time", "10", url + "/"], check: false)
        #expect(page.status == 0, "the dashboard did not answer: \(page.stderr)\n\(demo.stderr)")
        #expect(page.stdout.contains("<html") || page.stdout.contains("<!doctype"), "\(page.stdout.prefix(300))")
        let communes = try Shell.run(
            ["curl", "-sf", "--max-time", "10", url + "/api/v1/geojson/communes"], check: false)
        #expect(communes.status == 0, "\(communes.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(communes.stdout.utf8)) as? [String: Any]
        let features = document?["features"] as? [Any]
        #expect(features?.count == 104, "the boundaries from the clone: \(communes.stdout.prefix(300))")

        // Stop it as Ctrl-C would, and let it tear down its server.
        kill(demo.pid, SIGTERM)
        #expect(demo.waitForExit(timeout: 60) != nil, "the demo did not stop within 60 s")
        #expect(demo.stdout.contains("demo stopped"), "\(demo.stdout)")
        let after = try Shell.run(["curl", "-s", "--max-time", "2", url + "/healthz"], check: false)
        #expect(after.status != 0, "the demo's server still answers after the demo stopped")
    }
}

/// Whether the repository can be cloned here (apart from the suite: a suite trait cannot read the suite's own members).
enum CloneCheck {
    /// Whether git can read the repository (not so in a worktree seen through another path, nor in a source copy).
    static let canClone: Bool = {
        guard Shell.hasProgram("git"), Shell.hasProgram("curl") else { return false }
        let head = try? Shell.run(
            ["git", "-c", "safe.directory=*", "-C", RepositoryData.root.path, "rev-parse", "--verify", "HEAD"],
            check: false)
        return head?.status == 0
    }()
}
