import Foundation
import Synchronization

/// Appends log lines to a file (the demo keeps its daemon's log out of the progress display).
package final class FileLogSink: LogSink {
    private let descriptor: Mutex<Int32>

    package init(path: String) {
        descriptor = Mutex(open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600))
    }

    deinit { descriptor.withLock { if $0 >= 0 { close($0) } } }

    package func write(line: String) {
        let bytes = Array((line + "\n").utf8)
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            writeAll(fd, bytes)
        }
    }
}
