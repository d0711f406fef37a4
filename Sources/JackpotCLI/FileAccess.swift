import Foundation

/// What the file system lets the user running jackpotd do with the outbox and
/// its neighbours, in words ops can act on. SQLite and Foundation would say
/// "unable to open database file" (error 14) or "no such file" where the truth
/// is "permission denied for this user": the state directory is `jackpotd:jackpotd
/// 0750` and the outbox `0600`, so only the service user gets in.
enum FileAccess {
    /// `alice (uid 1001)`: who was refused.
    static var currentUser: String {
        let uid = geteuid()
        return userName(uid).map { "\($0) (uid \(uid))" } ?? "uid \(uid)"
    }

    static func userName(_ uid: uid_t) -> String? {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    static func groupName(_ gid: gid_t) -> String? {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return nil }
        return String(cString: name)
    }

    /// The directory the outbox file lives in (`.` for a bare file name).
    static func directory(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    /// "permission denied: user alice (uid 1001) cannot read and write PATH
    /// (owner jackpotd, group jackpotd, mode 0600); run as the service user:
    /// sudo -u jackpotd jackpotd …". `path` is the file or directory that refused.
    static func denied(_ path: String, cannot action: String) -> String {
        var text = "permission denied: user \(currentUser) cannot \(action) \(path)"
        var info = stat()
        guard stat(path, &info) == 0 else { return text }
        let owner = userName(info.st_uid) ?? "uid \(info.st_uid)"
        let group = groupName(info.st_gid) ?? "gid \(info.st_gid)"
        text += " (owner \(owner), group \(group), mode 0\(String(info.st_mode & 0o7777, radix: 8)))"
        if info.st_uid == geteuid() {
            let bits = (info.st_mode & S_IFMT) == S_IFDIR ? "u+rwx" : "u+rw"
            return text + "; give the owner its access back: chmod \(bits) \(path)"
        }
        // A root-owned directory handed to a group (`root:jackpotd 0750`) names the service user by its group.
        let serviceUser = info.st_uid == 0 ? group : owner
        return text + "; run as the service user: sudo -u \(serviceUser) jackpotd …"
    }

    /// The first directory on the way to `path` that this user may not enter, if any.
    static func unenterableDirectory(on path: String) -> String? {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var prefix = ""
        for component in absolute.split(separator: "/").dropLast() {
            prefix += "/" + component
            if access(prefix, X_OK) != 0, errno == EACCES { return prefix }
        }
        return nil
    }

    /// Throws when the existing outbox at `path` cannot be opened for reading and
    /// writing by this user (a `CommandFailure`, exit 1), or is missing (a
    /// `UsageError`), naming the path, the user and the fix. Commands open the
    /// outbox read-write: it is migrated on open.
    static func requireExistingOutbox(_ path: String) throws {
        if let blocked = unenterableDirectory(on: path) {
            throw CommandFailure(denied(blocked, cannot: "enter"))
        }
        guard access(path, F_OK) == 0 else {
            throw UsageError(
                "no outbox database at \(path) (check --db or the config's \"database\"; `jackpotd run` or `enqueue --create` creates it)"
            )
        }
        for file in [path, path + "-wal", path + "-shm"] where access(file, F_OK) == 0 {
            if access(file, R_OK | W_OK) != 0, errno == EACCES {
                throw CommandFailure(denied(file, cannot: "read and write"))
            }
        }
    }

    /// What `jackpotd run` needs from the file system for the outbox at `path`:
    /// its directory exists and takes new files (the outbox, its `-wal`, `-shm`
    /// and `-daemons.lock` are created there), and what exists can be written.
    /// Each problem is one line naming the path and the fix; empty when all is well.
    static func outboxProblems(_ path: String) -> [String] {
        let directory = directory(of: path)
        if let blocked = unenterableDirectory(on: path) {
            return [denied(blocked, cannot: "enter")]
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            return [
                "directory \(directory) does not exist: create it for the service user "
                    + "(install -d -o jackpotd -g jackpotd -m 0750 \(directory)), or fix \"database\""
            ]
        }
        guard isDirectory.boolValue else { return ["\(directory) is not a directory: fix \"database\""] }
        var problems: [String] = []
        if let problem = writeProblem(directory, cannot: "create files in") { problems.append(problem) }
        for file in [path, path + "-wal", path + "-shm", path + "-daemons.lock"] where access(file, F_OK) == 0 {
            if let problem = writeProblem(file, cannot: "read and write", mode: R_OK | W_OK) { problems.append(problem) }
        }
        return problems
    }

    /// What `run --metrics-file PATH` needs: a directory it may create files in
    /// (the file is replaced atomically through a temporary file beside it).
    static func metricsFileProblems(_ path: String) -> [String] {
        let directory = directory(of: path)
        if let blocked = unenterableDirectory(on: path) {
            return [denied(blocked, cannot: "enter")]
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [
                "directory \(directory) does not exist: create it for the service user "
                    + "(install -d -o jackpotd -g jackpotd -m 0750 \(directory)), or fix --metrics-file"
            ]
        }
        return writeProblem(directory, cannot: "create files in").map { [$0] } ?? []
    }

    private static func writeProblem(_ path: String, cannot action: String, mode: Int32 = W_OK | X_OK) -> String? {
        guard access(path, mode) != 0 else { return nil }
        switch errno {
        case EACCES, EPERM: return denied(path, cannot: action)
        case EROFS: return "\(path) is on a read-only file system"
        case let code: return "cannot \(action) \(path): \(String(cString: strerror(code)))"
        }
    }
}
