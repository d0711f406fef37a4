#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where formatted log lines go. A seam so tests can read what the daemon logged
/// without capturing the process's stderr.
package protocol LogSink: Sendable {
    /// `line` is one complete event without the trailing newline.
    func write(line: String)
}

/// The daemon's sink: systemd's journal and `docker logs` read stderr.
package struct StandardErrorSink: LogSink {
    package init() {}

    /// Line and newline go out in one `write(2)` so lines from concurrent tasks
    /// never interleave mid-line (stderr is unbuffered; `print` would issue
    /// several writes). Only a partial write or `EINTR` causes another call.
    package func write(line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        writeAll(STDERR_FILENO, bytes)  // Nowhere left to report a failing stderr.
    }
}
