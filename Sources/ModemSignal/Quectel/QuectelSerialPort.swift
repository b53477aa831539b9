import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Sends one AT command to a modem's AT serial port (`/dev/ttyUSB2`) and collects the answer up to the final
/// result code (`OK`, `ERROR`, `+CME ERROR: …`). Blocking: call it from a thread that may block (the CLI does).
public enum QuectelSerialPort {
    /// The command whose answer `QuectelServingCellParser` reads.
    public static let servingCellCommand = "AT+QENG=\"servingcell\""

    /// Opens `device` in raw mode, writes `command` with a carriage return and reads until a final result code.
    /// Throws `.unavailable` when the device cannot be opened or set up, `.timeout` without a final result in time.
    public static func query(
        device: String, command: String = servingCellCommand, timeout: Duration = .seconds(5)
    )
        throws(ModemSignalError) -> String
    {
        let descriptor = open(device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ModemSignalError(.unavailable, context: device, "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var settings = termios()
        guard tcgetattr(descriptor, &settings) == 0 else {
            throw ModemSignalError(
                .unavailable, context: device, "not a serial port: \(String(cString: strerror(errno)))")
        }
        cfmakeraw(&settings)
        cfsetispeed(&settings, speed_t(B115200))
        cfsetospeed(&settings, speed_t(B115200))
        guard tcsetattr(descriptor, TCSANOW, &settings) == 0 else {
            throw ModemSignalError(
                .unavailable, context: device, "cannot set raw mode: \(String(cString: strerror(errno)))")
        }
        tcflush(descriptor, TCIOFLUSH)
        let bytes = Array((command + "\r").utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw ModemSignalError(
                    .unavailable, context: device, "write failed: \(String(cString: strerror(errno)))")
            }
            written += result
        }
        let deadline = ContinuousClock.now + timeout
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero {
                throw ModemSignalError(
                    .timeout, context: device, "no OK or ERROR within \(timeout) after \(command)")
            }
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + 1)
            var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pollDescriptor, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw ModemSignalError(
                    .unavailable, context: device, "poll failed: \(String(cString: strerror(errno)))")
            }
            if ready == 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw ModemSignalError(
                    .unavailable, context: device, "read failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 { continue }
            answer.append(contentsOf: buffer[0..<count])
            let text = String(decoding: answer, as: UTF8.self)
            if self.hasFinalResult(text) { return text }
        }
    }

    /// Whether `text` ends with a final result code on a line of its own.
    static func hasFinalResult(_ text: String) -> Bool {
        text.split(whereSeparator: \.isNewline).contains { line in
            line == "OK" || line == "ERROR" || line.hasPrefix("+CME ERROR")
        }
    }
}
