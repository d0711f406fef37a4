import CSQLite

/// A failed SQLite call, with everything needed to diagnose it from a log line alone:
/// the result codes, SQLite's own message and the SQL that was running.
package struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// Primary result code (`extendedCode & 0xFF`), e.g. 19 for any constraint failure.
    package let code: Int32
    /// Extended result code, e.g. 2067 (SQLITE_CONSTRAINT_UNIQUE).
    package let extendedCode: Int32
    /// `sqlite3_errmsg`, or our own text when the failure is detected by this wrapper.
    package let message: String
    package let sql: String?

    package init(code: Int32, extendedCode: Int32, message: String, sql: String?) {
        self.code = code
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// For failures that have only one code (ours, or a primary code from SQLite).
    package init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.init(code: extendedCode & 0xFF, extendedCode: extendedCode, message: message, sql: sql)
    }

    /// Reads the message from `connection` right after a call on it returned `resultCode`.
    /// The result code returned by the call is preferred over `sqlite3_extended_errcode`,
    /// which a later call on the same connection could already have overwritten.
    init(connection: OpaquePointer?, resultCode: Int32, sql: String?, context: String? = nil) {
        var text =
            connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(resultCode))
        if let context { text = "\(context): \(text)" }
        self.init(extendedCode: resultCode, message: text, sql: sql)
    }

    /// The same failure with `context` (typically the database path) in front of the message.
    func prefixed(_ context: String) -> DatabaseError {
        DatabaseError(code: code, extendedCode: extendedCode, message: "\(context): \(message)", sql: sql)
    }

    /// Another connection holds the lock we need; retrying later may succeed.
    package var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
    /// The disk (or the size limit) is full; nothing was written.
    package var isFull: Bool { code == SQLITE_FULL }
    package var isReadOnly: Bool { code == SQLITE_READONLY }
    package var isConstraint: Bool { code == SQLITE_CONSTRAINT }
    /// SQLite could not read or write a file (SQLITE_IOERR and its extended codes).
    package var isIOError: Bool { code == SQLITE_IOERR }

    /// `Database.requireWALInPlace`'s code, SQLITE_IOERR_VNODE ("a file was
    /// changed underneath"): no SQLite call on Linux returns it, so it names
    /// our own check unambiguously.
    static let walMissingCode: Int32 = SQLITE_IOERR | (27 << 8)

    package var description: String {
        var text = "SQLite error \(code) (\(String(cString: sqlite3_errstr(code)))): \(message)"
        // On one line: this text ends up as a CLI's one-line error and in log lines.
        if let sql { text += ", in: " + sql.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        return text
    }
}
