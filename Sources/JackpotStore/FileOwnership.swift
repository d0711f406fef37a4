import Foundation

/// Who owns an outbox file and with which mode, so a file put in its place
/// (`restore`) can be given the same: a daemon running as `jackpotd` cannot
/// open a root-owned replacement, and a world-readable one leaks player tokens.
package struct FileOwnership: Sendable, Hashable {
    package var owner: uid_t
    package var group: gid_t
    package var mode: mode_t

    package init(owner: uid_t, group: gid_t, mode: mode_t) {
        self.owner = owner
        self.group = group
        self.mode = mode
    }

    /// The live file's owner, group and mode; with no live file, the
    /// directory's owner and group and mode 0600 (the mode jackpotd creates it with).
    package static func forOutbox(at path: String) throws -> FileOwnership {
        var info = stat()
        if stat(path, &info) == 0 {
            return FileOwnership(owner: info.st_uid, group: info.st_gid, mode: info.st_mode & 0o7777)
        }
        let parent = (path as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        guard stat(directory, &info) == 0 else {
            throw Failure(description: "cannot read \(directory): \(String(cString: strerror(errno)))")
        }
        return FileOwnership(owner: info.st_uid, group: info.st_gid, mode: 0o600)
    }

    /// Gives `path` this owner (when it differs: only root may) and mode.
    package func apply(to path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        if info.st_uid != owner || info.st_gid != group, chown(path, owner, group) != 0 {
            throw Failure(
                description: "cannot give \(path) to uid \(owner), gid \(group) like the outbox it replaces: "
                    + "\(String(cString: strerror(errno))); run it as root or as the outbox's owner")
        }
        guard chmod(path, mode) == 0 else {
            throw Failure(
                description: "cannot set mode 0\(String(mode, radix: 8)) on \(path): \(String(cString: strerror(errno)))")
        }
    }

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }
}
