#include <sqlite3.h>

/// `sqlite3_config` is variadic, which Swift cannot call; this fixed-argument
/// wrapper can. With memory statistics off, SQLite's allocator no longer takes
/// a process-wide mutex on every allocation (3–4 % of the dispatcher's profile).
/// Works only before SQLite's first use in the process (else SQLITE_MISUSE).
static inline int jackpotd_sqlite3_config_memstatus(int enabled) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, enabled);
}
