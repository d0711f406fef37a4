import Foundation
import JackpotTelemetry
import Synchronization

/// Tells the dispatcher at once when another process writes the outbox
/// (`enqueue`, `pause`, `retry`), so an idle daemon need not poll
/// `PRAGMA data_version` a hundred times a second to start a new win's first
/// attempt within milliseconds.
///
/// Linux inotify on the outbox's directory, filtered to the outbox's own files
/// (the database, `-wal`, `-journal`): a commit writes one of them, whichever
/// the journal mode. (`-shm` is written through `mmap`, which inotify does not
/// see; the WAL frames a commit appends are.) Reads block on a thread of its
/// own, never a cooperative one. The daemon's own commits wake the loop too:
/// harmless, since they come from passes the loop was making anyway.
final class OutboxChangeWatcher: Sendable {
    private struct Watch {
        var descriptor: Int32
        var watch: Int32
        var closed = false
    }
    private let state: Mutex<Watch>

    private init(descriptor: Int32, watch: Int32) {
        state = Mutex(Watch(descriptor: descriptor, watch: watch))
    }

    /// Starts watching, or nil where inotify is unavailable (then the caller polls).
    static func start(databasePath: String, onChange: @escaping @Sendable () -> Void) -> OutboxChangeWatcher? {
        let url = URL(fileURLWithPath: databasePath)
        let directory = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        let descriptor = inotify_init1(Int32(IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE)
        let watch = inotify_add_watch(descriptor, directory, mask)
        guard watch >= 0 else {
            close(descriptor)
            return nil
        }
        let watcher = OutboxChangeWatcher(descriptor: descriptor, watch: watch)
        Thread {
            ThreadName.setCurrent("jackpotd.watch")
            watcher.readEvents(forFilesOf: name, onChange: onChange)
        }.start()
        return watcher
    }

    /// Ends the thread: removing the watch queues `IN_IGNORED`, which its read returns.
    func stop() {
        state.withLock { state in
            if !state.closed { inotify_rm_watch(state.descriptor, state.watch) }
        }
    }

    private func readEvents(forFilesOf name: String, onChange: @Sendable () -> Void) {
        let descriptor = state.withLock { $0.descriptor }
        let prefix = Array(name.utf8)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 8)
        defer {
            buffer.deallocate()
            state.withLock { state in
                state.closed = true
                close(state.descriptor)
            }
        }
        let headerSize = MemoryLayout<inotify_event>.size
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            var changed = false
            var offset = 0
            while offset + headerSize <= count {
                let event = buffer.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                // The watch is gone: stopped, or the directory was removed.
                if event.mask & UInt32(IN_IGNORED) != 0 { return }
                let nameBytes = UnsafeRawBufferPointer(
                    rebasing: buffer[(offset + headerSize)..<(offset + headerSize + Int(event.len))])
                if nameBytes.starts(with: prefix) { changed = true }
                offset += headerSize + Int(event.len)
            }
            if changed { onChange() }
        }
    }
}
