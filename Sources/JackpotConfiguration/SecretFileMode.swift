/// The one rule for files that hold secrets (hash secrets, TLS keys): the
/// owner and the group may read them, others may not. The installed layout is
/// `root:jackpotd 0640`, so the daemon reads through its group; asking for
/// `chmod 600` would lock the daemon out.
enum SecretFileMode {
    /// A warning when others can read the file at `path`, else nil.
    static func warning(path: String, permissions: UInt32) -> String? {
        guard permissions & 0o004 != 0 else { return nil }
        return "\(path) is readable by others (mode 0\(String(permissions & 0o7777, radix: 8))); "
            + "let only its owner and group read it: chmod o-rwx \(path) (the installed layout is root:jackpotd 0640)"
    }
}
