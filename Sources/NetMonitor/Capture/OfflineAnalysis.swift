import CPcap
import Foundation

/// What analysing a capture file gave: the report of everything read, and the error that stopped it, if any.
public struct OfflineAnalysisResult: Sendable {
    /// Everything read before the end of the file or the error.
    public var report: CaptureReport
    /// The file's link type.
    public var linkType: LinkType?
    /// Why reading stopped early (corrupt or truncated file), or could not start.
    public var error: CaptureError?
}

/// Analyses pcap and pcapng files (libpcap reads both) on a thread of its own.
public enum OfflineAnalysis {
    /// Reads the whole file at `path` through a `PassiveAnalyzer`.
    public static func run(path: String, configuration: AnalyzerConfiguration = .init()) async -> OfflineAnalysisResult
    {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: self.runSynchronously(path: path, configuration: configuration))
            }
            thread.name = "netmon-analyze"
            thread.start()
        }
    }

    /// The same, blocking the calling thread: call it from a thread of your own.
    public static func runSynchronously(
        path: String, configuration: AnalyzerConfiguration = .init()
    ) -> OfflineAnalysisResult {
        let handle: PcapHandle
        do {
            handle = try PcapHandle.openOffline(path: path)
        } catch {
            let empty = PassiveAnalyzer(configuration: configuration, linkType: .ethernet)
            var analyzer = empty
            return OfflineAnalysisResult(report: analyzer.finalReport(), linkType: nil, error: error)
        }
        let linkType = handle.linkType
        let box = AnalyzerBox(
            analyzer: PassiveAnalyzer(configuration: configuration, linkType: linkType),
            nanosecondsPerTick: handle.nanosecondsPerTick)
        guard linkType.isSupported else {
            let name = String(cString: pcap_datalink_val_to_name(linkType.rawValue) ?? pcap_statustostr(0))
            return OfflineAnalysisResult(
                report: box.analyzer.finalReport(), linkType: linkType,
                error: CaptureError(
                    .unsupportedLinkType, "link type \(linkType.rawValue) (\(name)) has no decoder", source: path))
        }
        var failure: CaptureError?
        while true {
            let status = handle.dispatch(into: box, count: 65_536)
            if status == 0 { break }
            if status < 0 {
                failure = CaptureError(
                    .corruptFile, "the file is corrupt or cut short: \(handle.lastError)", source: path,
                    packetNumber: box.analyzer.packetCount + 1)
                break
            }
        }
        return OfflineAnalysisResult(report: box.analyzer.finalReport(), linkType: linkType, error: failure)
    }
}
