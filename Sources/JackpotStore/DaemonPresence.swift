#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is using an outbox file, as the kernel sees it: every running daemon
/// holds a shared `flock` on `<database>-daemons.lock`, and `restore` takes it
/// exclusively. The kernel drops a lock when its process dies, `kill -9`
/// included, so a crashed daemon never blocks a restore and a live one always
/// does. A file of its own, not the database: closing any descriptor of the
/// database file would drop SQLite's own POSIX locks in this process.
package final class DaemonPresence {
    package enum Mode { case daemon, exclusive }

    package struct Busy: Error, CustomStringConvertible {
        package let lockPath: String
        package let mode: Mode
        package var description: String {
            switch mode {
            case .daemon: "a restore is in progress on this outbox (\(lockPath) is held exclusively); start the daemon after it"
            case .exclusive: "a daemon is running on this outbox (\(lockPath) is held); stop it first (systemctl stop jackpotd)"
            }
        }
    }

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    package let lockPath: String
    private let descriptor: Int32

    package static func lockPath(forDatabase path: String) -> String { path + "-daemons.lock" }

    /// Takes the lock without waiting; throws `Busy` when the other side holds it.
    package init(database: String, mode: Mode) throws {
        lockPath = Self.lockPath(forDatabase: database)
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        if flock(descriptor, (mode == .daemon ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0 {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw Busy(lockPath: lockPath, mode: mode) }
            throw Failure(description: "cannot lock \(lockPath): \(String(cString: strerror(code)))")
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
