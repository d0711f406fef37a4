import CSQLite

/// One prepared SQL statement. Prepared in `init`, finalized in `deinit`, so a
/// statement can never be used after finalization nor leak.
///
/// Owned by its `Database` (through the statement cache or a local variable) and
/// used on that database's thread only.
final class Statement {
    let sql: String
    let handle: OpaquePointer
    /// Set while a query is stepping this statement, so a nested query with the
    /// same SQL (from inside `forEachRow`) gets a fresh statement instead of
    /// resetting the one being iterated.
    var inUse = false

    /// SQLite copies the bytes during the bind call (the Swift buffer does not
    /// outlive it). Swift does not import the SQLITE_TRANSIENT macro.
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    }

    /// - Parameter persistent: hint that the statement is cached and long-lived.
    /// - Throws: when the SQL does not compile, is empty, or holds more than one
    ///   statement (only `Database.executeScript` runs several; silently ignoring
    ///   the rest would hide bugs).
    init(connection: OpaquePointer, sql: String, persistent: Bool) throws(DatabaseError) {
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        var prepared: OpaquePointer?
        var hasLeftover = false
        let resultCode = sql.withCString { text -> Int32 in
            var tail: UnsafePointer<CChar>?
            let resultCode = sqlite3_prepare_v3(connection, text, -1, flags, &prepared, &tail)
            if resultCode == SQLITE_OK, prepared != nil, let tail, tail.pointee != 0 {
                // Whitespace and comments prepare to no statement; anything else is a second statement.
                var extra: OpaquePointer?
                let extraCode = sqlite3_prepare_v3(connection, tail, -1, 0, &extra, nil)
                hasLeftover = extraCode != SQLITE_OK || extra != nil
                sqlite3_finalize(extra)
            }
            return resultCode
        }
        guard resultCode == SQLITE_OK else {
            throw DatabaseError(connection: connection, resultCode: resultCode, sql: sql)
        }
        guard let prepared else {
            throw DatabaseError(extendedCode: SQLITE_MISUSE, message: "no SQL statement to run", sql: sql)
        }
        guard !hasLeftover else {
            sqlite3_finalize(prepared)
            throw DatabaseError(
                extendedCode: SQLITE_MISUSE,
                message: "more than one SQL statement; use executeScript for scripts", sql: sql)
        }
        self.sql = sql
        self.handle = prepared
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds positional arguments (`?`, `?NNN`, `:name` all count by index).
    func bind(_ arguments: [SQLValue]) throws(DatabaseError) {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard arguments.count == expected else {
            throw DatabaseError(
                extendedCode: SQLITE_MISUSE,
                message: "wrong number of arguments: the statement takes \(expected), got \(arguments.count)",
                sql: sql)
        }
        for (offset, value) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let resultCode: Int32
            switch value {
            case .null:
                resultCode = sqlite3_bind_null(handle, index)
            case .integer(let integer):
                resultCode = sqlite3_bind_int64(handle, index, integer)
            case .real(let real):
                resultCode = sqlite3_bind_double(handle, index, real)
            case .text(var text):
                resultCode = text.withUTF8 { bytes in
                    guard let start = bytes.baseAddress, !bytes.isEmpty else {
                        // A NULL pointer would bind SQL NULL, so the empty string needs a real one.
                        return sqlite3_bind_text(handle, index, "", 0, Self.transient)
                    }
                    return start.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
                        sqlite3_bind_text64(
                            handle, index, characters, UInt64(bytes.count), Self.transient, UInt8(SQLITE_UTF8))
                    }
                }
            case .blob(let bytes):
                if bytes.isEmpty {
                    // Same trap as text: a NULL pointer would bind NULL, not an empty blob.
                    resultCode = sqlite3_bind_zeroblob(handle, index, 0)
                } else {
                    resultCode = bytes.withUnsafeBytes { buffer in
                        sqlite3_bind_blob64(handle, index, buffer.baseAddress, UInt64(buffer.count), Self.transient)
                    }
                }
            }
            guard resultCode == SQLITE_OK else {
                throw DatabaseError(connection: sqlite3_db_handle(handle), resultCode: resultCode, sql: sql)
            }
        }
    }

    /// Advances one row. Returns false when the statement has run to completion.
    func step() throws(DatabaseError) -> Bool {
        let resultCode = sqlite3_step(handle)
        switch resultCode {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw DatabaseError(connection: sqlite3_db_handle(handle), resultCode: resultCode, sql: sql)
        }
    }

    /// Read once per run rather than once per prepare: an automatic re-prepare after
    /// a schema change can change the columns of `SELECT *`.
    func columns() -> RowColumns {
        RowColumns(
            (0..<sqlite3_column_count(handle)).map { column in
                sqlite3_column_name(handle, column).map { String(cString: $0) } ?? ""
            })
    }

    /// The current row; valid only after `step()` returned true.
    func row(columns: RowColumns) -> Row {
        Row(columns: columns, values: (0..<Int32(columns.names.count)).map(value(at:)))
    }

    func value(at column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            // Pointer first, then length: the documented order that avoids a conversion in between.
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, column))
            let bytes = UnsafeBufferPointer(start: text, count: count)
            // Text that is not UTF-8 (written by plain SQL) comes back as its bytes, never
            // silently repaired into U+FFFD: a win must not be sent with other text than stored.
            guard let valid = String(validating: bytes, as: UTF8.self) else { return .blob(Array(bytes)) }
            return .text(valid)
        case SQLITE_BLOB:
            guard let blob = sqlite3_column_blob(handle, column) else { return .blob([]) }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default:
            return .null
        }
    }

    /// Ends the current run and forgets the arguments. Resetting promptly matters in
    /// WAL mode: a statement left mid-read keeps its read snapshot (and blocks checkpoints).
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }
}
