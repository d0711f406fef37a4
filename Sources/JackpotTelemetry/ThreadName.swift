import Glibc

/// Names the calling thread as `top -H`, `ps -L` and `perf` show it.
/// Foundation's `Thread.name` does not reach the kernel on Linux: the daemon's
/// threads showed the name of the dispatch thread that had started them.
package enum ThreadName {
    /// The kernel keeps at most 15 bytes of a thread's name.
    package static func setCurrent(_ name: String) {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
