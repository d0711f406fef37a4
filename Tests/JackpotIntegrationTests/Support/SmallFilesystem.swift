import Foundation
import Glibc
import TestSupport

/// A tiny tmpfs mounted in a temporary directory of its own, to make "disk full" real: the
/// outbox lives on it, and `fill()` takes the last free byte. Needs the right to
/// mount (root with CAP_SYS_ADMIN); `init` returns nil where that is refused.
final class SmallFilesystem {
    let path: String
    /// The mount point's parent; released (and removed) only after the unmount.
    private let directory = TemporaryDirectory()
    private var fillerPath: String { path + "/filler" }

    init?(megabytes: Int = 4) {
        path = directory.path("fs")
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(megabytes)m,mode=0700") == 0 else { return nil }
    }

    deinit {
        // Lazy unmount: a daemon that still holds a file open must not keep the mount
        // busy; the directory is removed after this, so never while mounted.
        umount2(path, Int32(MNT_DETACH))
    }

    /// Whether this process may mount one (root with CAP_SYS_ADMIN).
    static let isAvailable: Bool = SmallFilesystem(megabytes: 1) != nil

    /// Writes a filler file until the filesystem refuses another byte (ENOSPC).
    func fill() {
        let descriptor = open(fillerPath, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0o600)
        precondition(descriptor >= 0, "cannot create filler: errno \(errno)")
        defer { close(descriptor) }
        for chunkSize in [64 * 1024, 4096, 1] {
            let chunk = [UInt8](repeating: 0x2E, count: chunkSize)
            while chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == chunkSize {}
        }
    }

    /// Deletes the filler: the space is back.
    func free() {
        unlink(fillerPath)
    }
}
