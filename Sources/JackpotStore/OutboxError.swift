import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// Why the library could not open an outbox or store wins, in a form a program
/// can act on: `code` says what to do (retry, free disk space, fix the path),
/// the rest says where and what SQLite reported, for a log line.
///
/// Thrown by the public `Outbox(path:createIfMissing:)` and `Outbox.enqueue`.
/// Wins refused for their content are not errors: they come back as
/// `EnqueueResult.rejected`.
public struct OutboxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a value to compare or `switch` on (`case .busy:`).
    /// A struct rather than an enum, so a later version can add codes without
    /// breaking a `switch` that ends in `default:`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// No file at the path (or a directory on the way to it is missing),
        /// and the caller did not ask for one to be created.
        public static let notFound = Code("notFound")
        /// The file exists but is not an outbox: not SQLite at all, or a SQLite
        /// database holding other tables.
        public static let notAnOutbox = Code("notAnOutbox")
        /// The outbox was migrated by a newer jackpotd; this library cannot use it.
        public static let newerSchema = Code("newerSchema")
        /// Another connection held the lock for longer than the busy timeout.
        /// Nothing was written; the same call may succeed later.
        public static let busy = Code("busy")
        /// The disk (or the file system's quota) is full. Nothing was written.
        public static let full = Code("full")
        /// The file, or its `-wal` or `-shm` beside it, cannot be written
        /// (permissions, a read-only mount).
        public static let readOnly = Code("readOnly")
        /// The file could not be opened or created for another reason, such as
        /// permission denied on it or on its directory.
        public static let cannotOpen = Code("cannotOpen")
        /// SQLite could not read or write the file (an I/O error), or the
        /// write-ahead log was deleted under this connection.
        public static let ioError = Code("ioError")
        /// SQLite found the file damaged.
        public static let corrupt = Code("corrupt")
        /// Any other SQLite failure; `sqliteCode` and `message` tell which.
        public static let other = Code("other")

        public var description: String { name }
    }

    public let code: Code
    /// The outbox file the call was about.
    public let path: String
    /// SQLite's extended result code (e.g. 5 SQLITE_BUSY, 13 SQLITE_FULL,
    /// 26 SQLITE_NOTADB). For a failure the library detects itself, the code
    /// SQLite gives for the same condition (14 SQLITE_CANTOPEN for a missing file).
    public let sqliteCode: Int32
    /// SQLite's message, with the library's context in front of it.
    public let message: String
    /// The statement that failed, if one did.
    public let sql: String?

    package init(code: Code, path: String, sqliteCode: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.path = path
        self.sqliteCode = sqliteCode
        self.message = message
        self.sql = sql
    }

    /// The public face of a failure of the SQLite layer on the outbox at `path`.
    package init(_ error: DatabaseError, path: String) {
        self.init(
            code: Self.code(of: error, path: path), path: path, sqliteCode: error.extendedCode,
            message: error.message.contains(path) ? error.message : "\(path): \(error.message)", sql: error.sql)
    }

    /// One line, as `DatabaseError` writes it: code, words, and the SQL if any.
    public var description: String {
        var text = "outbox \(code) (SQLite \(sqliteCode)): \(message)"
        if let sql { text += ", in: " + sql.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        return text
    }

    private static func code(of error: DatabaseError, path: String) -> Code {
        switch error.code {
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy
        case SQLITE_FULL: return .full
        case SQLITE_READONLY: return .readOnly
        case SQLITE_NOTADB: return .notAnOutbox
        case SQLITE_CORRUPT: return .corrupt
        case SQLITE_IOERR: return .ioError
        case SQLITE_CANTOPEN: return access(path, F_OK) != 0 && errno == ENOENT ? .notFound : .cannotOpen
        default: return .other
        }
    }
}
