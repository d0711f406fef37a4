/// What a write transaction promises about a power cut.
package enum WriteDurability: Sendable {
    /// Fsynced before the write returns: a power cut cannot undo it. For what
    /// must never be lost: an enqueue, an operator's confirmation.
    case fsynced
    /// Committed without an fsync (`synchronous=NORMAL` for this commit): a power
    /// cut may undo it, never an earlier fsynced write, as the WAL only loses a
    /// suffix. For what is redone when lost: a claim, a release, a validation slice.
    case withoutFsync
}

extension Outbox {
    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`) and commits it
    /// as `durability` says; rolls back and rethrows if anything in it throws.
    @discardableResult
    package func write<T>(durability: WriteDurability, _ body: () throws -> T) throws -> T {
        switch durability {
        case .fsynced: return try database.transaction(body)
        case .withoutFsync: return try database.transactionWithoutSync(body)
        }
    }

    /// Throws unless this connection can write the file (see `Database.requireWritable`).
    package func requireWritable() throws(DatabaseError) {
        try database.requireWritable()
    }

    /// Throws when the file open here was deleted or replaced (see `Database.requireNotMoved`).
    package func requireNotMoved() throws(DatabaseError) {
        try database.requireNotMoved()
    }

    /// Throws when the `-wal` file this connection writes was deleted or replaced
    /// (see `Database.requireWALInPlace`).
    package func requireWALInPlace() throws(DatabaseError) {
        try database.requireWALInPlace()
    }

    /// Changes whenever another connection commits: a cheap way to notice outside writes.
    package func dataVersion() throws(DatabaseError) -> Int64 {
        try database.dataVersion()
    }

    /// Writes the log into the database file and empties it (see `Database.checkpointIntoDatabaseFile`).
    package func checkpointIntoDatabaseFile() throws(DatabaseError) -> (complete: Bool, frames: Int) {
        try database.checkpointIntoDatabaseFile()
    }
}
