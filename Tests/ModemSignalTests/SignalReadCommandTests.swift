import Foundation
import ModemSignal
import TestSupport
import Testing

/// `netmon signal read` as an engineer runs it: the built binaries, saved outputs, recorded outputs behind the
/// real command names on PATH, and a pseudo-terminal playing the Quectel AT port.
@Suite(
    .enabled(if: NetmonBinary.built != nil, "needs the built netmon binary (swift build --build-tests)"))
struct SignalReadCommandTests {
    private func json(_ output: CommandOutput) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any], "\(output.stdout)")
    }

    /// Writes an executable script `name` into `directory`, to stand for a tool on PATH.
    private func install(_ name: String, _ script: String, in directory: URL) throws {
        let path = directory.appendingPathComponent(name).path
        try ExecutableScript.write(script, to: path)
    }

    /// The EN-DC sample of luci-app-3ginfo-lite issue 56, read from a file, as JSON.
    @Test func quectelFromFileAsJSON() throws {
        let output = try Shell.run([
            NetmonBinary.path, "signal", "read", "--source", "quectel", "--from-file", Fixture.path("quectel-endc.txt"),
            "--lte-sinr", "db", "--json",
        ])
        let object = try self.json(output)
        #expect(object["source"] as? String == "quectel")
        #expect(object["technology"] as? String == "5G-NSA")
        #expect(object["operator"] as? String == "515-03")
        #expect(object["state"] as? String == "NOCONN")
        #expect(object["rsrp_dbm"] as? Double == -89)
        #expect(object["sinr_db"] as? Double == 16)
        #expect(object["nr_ss_rsrp_dbm"] as? Double == -76)
        #expect(object["nr_ss_sinr_db"] as? Double == 21)
        #expect(object["rscp_dbm"] == nil)
        #expect((object["time"] as? String).flatMap(RFC3339Check.parse) != nil)
    }

    /// The mmcli samples of iqrf-gateway-webapp, signal and modem output, in both executables; human lines.
    @Test(arguments: [true, false]) func mmcliFromFilesAsLines(gateway: Bool) throws {
        let binary = gateway ? NetmonBinary.gatewayPath : NetmonBinary.path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "\(binary) is not built")
        let output = try Shell.run([
            binary, "signal", "read", "--source", "mmcli", "--from-file",
            Fixture.path("mmcli-signal-lte-rssi-only.json"), "--info-file",
            Fixture.path("mmcli-modem-quectel-eg25-lte.json"),
        ])
        #expect(output.stdout.contains("technology  4G\n"))
        #expect(output.stdout.contains("operator    230-02\n"))
        #expect(output.stdout.contains("rssi        -102 dBm"))
    }

    /// Before `--signal-setup`: exit 3 and the command to run.
    @Test func pollingOffExitsThree() throws {
        let output = try Shell.run(
            [
                NetmonBinary.path, "signal", "read", "--source", "mmcli", "--from-file",
                Fixture.path("mmcli-signal-polling-off.json"),
            ], check: false)
        #expect(output.status == 3)
        #expect(output.stderr.contains("--signal-setup"))
    }

    /// No mmcli on PATH: exit 2 and a sentence saying so.
    @Test func missingCommandExitsTwo() throws {
        let empty = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        let output = try Shell.run(
            ["env", "PATH=\(empty.path)", NetmonBinary.path, "signal", "read", "--source", "mmcli"], check: false)
        #expect(output.status == 2)
        #expect(output.stderr.contains("mmcli: not installed"))
    }

    /// Recorded outputs behind the real command names: `mmcli` and `qmicli` scripts on PATH print the samples for
    /// the arguments netmon passes, and log those arguments.
    @Test func realCommandNamesOnPath() throws {
        let bin = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: bin) }
        let log = bin.appendingPathComponent("calls.log").path
        let mmcli = """
            #!/bin/sh
            echo "mmcli $*" >> '\(log)'
            case "$*" in
              "-m any --signal-get --output-json") cat '\(Fixture.path("mmcli-signal-gsm-comma-locale.json"))' ;;
              "-m any --output-json") cat '\(Fixture.path("mmcli-modem-huawei-e3131-edge.json"))' ;;
              *) echo "error: unexpected arguments" >&2; exit 1 ;;
            esac
            """
        let qmicli = """
            #!/bin/sh
            echo "qmicli $*" >> '\(log)'
            case "$*" in
              "-d /dev/cdc-wdm0 -p --nas-get-signal-info") cat '\(Fixture.path("qmicli-signal-lte.txt"))' ;;
              "-d /dev/cdc-wdm0 -p --nas-get-serving-system") cat '\(Fixture.path("qmicli-serving-system-lte.txt"))' ;;
              *) echo "error: unexpected arguments" >&2; exit 1 ;;
            esac
            """
        try self.install("mmcli", mmcli, in: bin)
        try self.install("qmicli", qmicli, in: bin)
        let path = "PATH=\(bin.path):/usr/bin:/bin"
        let gsm = try self.json(
            try Shell.run(["env", path, NetmonBinary.path, "signal", "read", "--source", "mmcli", "--json"]))
        #expect(gsm["technology"] as? String == "2G")
        #expect(gsm["rssi_dbm"] as? Double == -67)
        #expect(gsm["state"] as? String == "connected")
        let lte = try self.json(
            try Shell.run([
                "env", path, NetmonBinary.path, "signal", "read", "--source", "qmicli", "--device", "/dev/cdc-wdm0",
                "--json",
            ]))
        #expect(lte["technology"] as? String == "4G")
        #expect(lte["operator"] as? String == "405-861")
        #expect(lte["sinr_db"] as? Double == 11.4)
        let calls = try String(contentsOfFile: log, encoding: .utf8)
        #expect(calls.contains("mmcli -m any --signal-get --output-json"))
        #expect(calls.contains("qmicli -d /dev/cdc-wdm0 -p --nas-get-serving-system"))

        // A failing tool: exit 3 with its error output.
        let failing = try Shell.run(
            ["env", path, NetmonBinary.path, "signal", "read", "--source", "mmcli", "--modem", "7"], check: false)
        #expect(failing.status == 3)
        #expect(failing.stderr.contains("unexpected arguments"))
    }

    /// A tool that hangs and ignores SIGTERM: exit 4 soon after `--timeout` (SIGTERM, then SIGKILL after 1 s), though
    /// its `sleep` child keeps the pipes open for 8 s.
    @Test func hangingToolTimesOut() throws {
        let bin = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: bin) }
        try self.install("mmcli", "#!/bin/sh\ntrap '' TERM\nsleep 8\n", in: bin)
        let started = ContinuousClock.now
        let output = try Shell.run(
            [
                "env", "PATH=\(bin.path):/usr/bin:/bin", NetmonBinary.path, "signal", "read", "--source", "mmcli",
                "--timeout", "0.5",
            ], check: false)
        let elapsed = ContinuousClock.now - started
        #expect(output.status == 4)
        #expect(output.stderr.contains("no answer within"))
        #expect(elapsed < .seconds(6), "took \(elapsed)")
    }

    /// The AT port: netmon writes `AT+QENG="servingcell"` and a carriage return to the tty and reads the answer
    /// (the WCDMA sample) up to OK.
    @Test func quectelOverATerminal() throws {
        let answer = "\r\n" + (try Fixture.text("quectel-wcdma.txt")) + "\r\nOK\r\n"
        let port = try FakeModemPort(answer: answer)
        defer { port.finish() }
        let object = try self.json(
            try Shell.run([NetmonBinary.path, "signal", "read", "--source", "quectel", "--device", port.path, "--json"])
        )
        #expect(object["technology"] as? String == "3G")
        #expect(object["rscp_dbm"] as? Double == -94)
        #expect(port.received == "AT+QENG=\"servingcell\"\r")
    }

    /// A silent AT port: exit 4 after the timeout.
    @Test func silentPortTimesOut() throws {
        let port = try FakeModemPort(answer: nil)
        defer { port.finish() }
        let output = try Shell.run(
            [NetmonBinary.path, "signal", "read", "--source", "quectel", "--device", port.path, "--timeout", "0.5"],
            check: false)
        #expect(output.status == 4)
        #expect(output.stderr.contains("no OK or ERROR"))
    }
}

/// RFC 3339 check for the JSON time.
enum RFC3339Check {
    static func parse(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }
}
