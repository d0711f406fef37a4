#if os(Linux)
import CMalloc
#endif

/// glibc malloc's settings for `jackpotd run`, set before the config is read.
///
/// An idle daemon with thousands of operators holds some 20 MB it uses, yet its
/// heaps grew to twice that with the defaults: the blocks made and dropped on
/// every pass (the operators' rows, the metrics of every lane) and at start (the
/// config's parse) leave free memory scattered among blocks still in use, free
/// memory no other arena can take and the kernel never gets back.
package enum DaemonHeap {
    package static func configure() {
        #if os(Linux)
        // Blocks of 128 KiB and more are mapped on their own and unmapped when
        // freed. The default starts there too, but raises the bound to the size
        // of each such block freed, after which they are carved from the heaps.
        _ = mallopt(M_MMAP_THRESHOLD, 128 * 1024)
        // The default is an arena per thread up to eight per core, each keeping
        // its own free memory; the loop, the store's queue and the calls share two.
        _ = mallopt(M_ARENA_MAX, 2)
        #endif
    }
}
