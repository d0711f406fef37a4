/// How many finished calls' results one record of the dispatcher stores.
///
/// A record is one fsynced transaction on the loop's thread, and it costs per
/// result. During a backlog drain a pass found about a thousand results
/// waiting, and storing them took half a second and more on a loaded 2-core
/// machine, while a quiet operator's new win waited for the pass to end. So a
/// record stores the oldest `maximumResults`, and the rest go in the next
/// pass, after its claims: a pass stays short, and an fsync still covers
/// hundreds of results. While that many are left, backlogged lanes do not
/// claim (`ClaimTurn`), so the results held in memory stay bounded. At the
/// stop every result is stored at once.
package enum RecordSlice {
    package static let maximumResults = 512

    /// How many of `waiting` results, oldest first, this record stores.
    package static func size(waiting: Int, stopping: Bool, maximum: Int = maximumResults) -> Int {
        stopping ? waiting : min(waiting, maximum)
    }
}
