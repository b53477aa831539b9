/// The netmon release this build belongs to (label of `netmon_build_info`, `User-Agent`).
public enum NetmonVersion {
    public static let current = "0.1.0"
}
