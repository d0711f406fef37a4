/// Who folds the write-ahead log back into the outbox file.
///
/// SQLite checkpoints on its own by default (after a commit, once the log holds
/// 1000 pages). Litestream, which ships that log to a replica, wants to be the
/// only one: it holds a read transaction so that no checkpoint overtakes what
/// it has not shipped, and runs its own checkpoints while that transaction is
/// released. A checkpoint of ours in that moment makes it lose its place in the
/// log and upload a whole snapshot of the outbox again. So with `.litestream`,
/// jackpotd's connections never checkpoint (`PRAGMA wal_autocheckpoint=0`),
/// and the log only shrinks when Litestream runs.
package enum CheckpointOwner: String, Sendable, CaseIterable {
    /// SQLite's automatic checkpoints (the default).
    case sqlite
    /// Litestream replicates the outbox and checkpoints it.
    case litestream
}
