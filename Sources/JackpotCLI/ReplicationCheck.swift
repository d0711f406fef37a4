import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotWire

/// What `check --replication` finds: whether Litestream can follow the outbox
/// (WAL mode), whether jackpotd leaves checkpoints to it, and whether it is
/// following (its state beside the outbox keeps up with the write-ahead log).
struct ReplicationCheck {
    struct Finding {
        var ok: Bool
        var message: String
    }

    /// Litestream looks at the log every second; a log this much newer than its
    /// newest local change set means it is not running (or not on this file).
    static let lagLimitSeconds = 10.0

    let databasePath: String
    private(set) var findings: [Finding] = []
    var ok: Bool { findings.allSatisfy(\.ok) }

    /// Litestream's state directory for a database (`.NAME-litestream` beside it).
    static func litestreamDirectory(forDatabase path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + "-litestream").path
    }

    init(config: JackpotConfig, databasePath: String) {
        self.databasePath = databasePath
        let files = FileManager.default
        guard files.fileExists(atPath: databasePath) else {
            findings.append(Finding(ok: false, message: "no outbox at \(databasePath) (start jackpotd once to create it)"))
            return
        }
        var options = Database.Options()
        options.readOnly = true
        let journalMode =
            (try? Database(path: databasePath, options: options))
            .flatMap { try? $0.queryScalar("PRAGMA journal_mode").textValue } ?? "unreadable"
        findings.append(
            journalMode.lowercased() == "wal"
                ? Finding(ok: true, message: "journal_mode is wal: Litestream can follow the write-ahead log")
                : Finding(
                    ok: false,
                    message: "journal_mode is \(journalMode), not wal: Litestream follows only a write-ahead log "
                        + "(start jackpotd once: it sets WAL mode)"))
        findings.append(
            config.checkpoints == .litestream
                ? Finding(ok: true, message: "\"checkpoints\": \"litestream\": jackpotd leaves checkpoints to Litestream")
                : Finding(
                    ok: false,
                    message: "\"checkpoints\" is \"sqlite\": SQLite's automatic checkpoints race Litestream's; "
                        + "set \"checkpoints\": \"litestream\" in the config and restart jackpotd"))

        let state = Self.litestreamDirectory(forDatabase: databasePath)
        guard let newest = Self.newestModification(under: state + "/ltx") else {
            findings.append(
                Finding(
                    ok: false,
                    message: "no Litestream state at \(state): Litestream has not replicated this outbox "
                        + "(is it running, with \(databasePath) in its config?)"))
            return
        }
        let wal = (try? files.attributesOfItem(atPath: databasePath + "-wal"))?[.modificationDate] as? Date
        if let wal, wal.timeIntervalSince(newest) > Self.lagLimitSeconds {
            findings.append(
                Finding(
                    ok: false,
                    message: "Litestream is not following: the write-ahead log changed "
                        + "\(Int(wal.timeIntervalSince(newest))) s after its newest change set in \(state) (is litestream running?)"
                ))
        } else {
            findings.append(
                Finding(
                    ok: true,
                    message: "Litestream is following: its newest change set in \(state) "
                        + "is at most \(Int(Self.lagLimitSeconds)) s older than the write-ahead log"))
        }
    }

    /// The latest modification time of a file below `directory`, nil when there is none.
    static func newestModification(under directory: String) -> Date? {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return nil }
        var newest: Date?
        for case let name as String in enumerator {
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            guard attributes?[.type] as? FileAttributeType == .typeRegular,
                let modified = attributes?[.modificationDate] as? Date
            else { continue }
            newest = max(newest ?? modified, modified)
        }
        return newest
    }

    func text() -> String {
        var text = "replication: \(databasePath)\n"
        for finding in findings { text += (finding.ok ? "  ok       " : "  PROBLEM  ") + finding.message + "\n" }
        return text
    }

    func json() -> JSONValue {
        .object(
            JSONObject([
                "ok": .bool(ok), "database": .string(databasePath),
                "findings": .array(findings.map { .object(JSONObject(["ok": .bool($0.ok), "message": .string($0.message)])) }),
            ]))
    }
}
