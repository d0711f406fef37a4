import Foundation
import Testing
import JackpotCLI
import TestSupport
import JackpotStore

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct RestoreCommandTests {
    @Test func putsTheBackupInPlaceAndKeepsThePreviousOutboxWhole() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("rs-1", operator: "casino-a")])
        let backup = fixture.directory.path("copy.sqlite3")
        #expect(await fixture.cli(["backup", backup]).code == .success)
        // Written after the backup: only the kept-aside outbox has it.
        try await fixture.enqueue([winLine("rs-2", operator: "casino-a")])
        let live = try fixture.outbox()  // an open connection keeps rs-2 in the -wal

        let result = await fixture.cli(["restore", backup])
        #expect(result.code == .success, "\(result.errors)")
        #expect(firstLine(result.output) == "restored \(backup) to \(fixture.databasePath): 1 wins, integrity ok")
        let keptAs = try #require(
            result.output.split(separator: "\n").last.map(String.init)?
                .replacingOccurrences(of: "the previous outbox is kept as ", with: ""))
        #expect(keptAs.hasPrefix(fixture.databasePath + ".before-restore-"))
        withExtendedLifetime(live) {}

        #expect(try Outbox(path: fixture.databasePath).wins(WinFilter()).map(\.reference) == ["rs-1"])
        let previous = try Outbox(path: keptAs)
        #expect(try previous.database.integrityCheck() == "ok")
        #expect(try previous.wins(WinFilter()).map(\.reference).sorted() == ["rs-1", "rs-2"])
    }

    @Test func refusesWhileADaemonRunsAndChangesNothing() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("rs-1", operator: "casino-a")])
        let backup = fixture.directory.path("copy.sqlite3")
        #expect(await fixture.cli(["backup", backup]).code == .success)
        try await fixture.enqueue([winLine("rs-2", operator: "casino-a")])

        let result = try await fixture.withDispatcher {
            // Up and delivering: it holds the daemons' lock.
            try #require(try await eventually { try fixture.win("rs-2").state == .delivered })
            return await fixture.cli(["restore", backup])
        }
        #expect(result.code == .failure)
        #expect(
            firstLine(result.errors).hasPrefix("jackpotd restore: error: a daemon is running on this outbox"), "\(result.errors)")
        #expect(try fixture.outbox().wins(WinFilter()).count == 2)
    }

    @Test func aBackupThatIsNotAnOutboxIsRefused() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("rs-1", operator: "casino-a")])
        let garbage = fixture.directory.write("garbage.sqlite3", String(repeating: "not sqlite ", count: 500))

        let result = await fixture.cli(["restore", garbage])
        #expect(result.code == .failure)
        #expect(result.errors.contains(garbage), "\(result.errors)")
        #expect(try fixture.outbox().wins(WinFilter()).map(\.reference) == ["rs-1"])
        let missing = await fixture.cli(["restore", fixture.directory.path("nope.sqlite3")])
        #expect(missing.code == .failure)
        #expect(firstLine(missing.errors) == "jackpotd restore: error: no backup at \(fixture.directory.path("nope.sqlite3"))")
    }

    /// Root restoring a world-readable backup must leave what the daemon's user
    /// had: its owner, its mode. A root-owned file stops the daemon ("opened
    /// read-only"), and a 0644 one lets anyone read the players' tokens.
    @Test(.enabled(if: getuid() == 0, "only root can restore a file another user owns"))
    func aRestoreAsRootKeepsTheLiveFilesOwnerAndMode() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("rs-1", operator: "casino-a")])
        let backup = fixture.directory.path("copy.sqlite3")
        #expect(await fixture.cli(["backup", backup]).code == .success)
        chmod(backup, 0o644)
        let serviceUser: uid_t = 1
        chown(fixture.databasePath, serviceUser, 1)
        chmod(fixture.databasePath, 0o600)

        let result = await fixture.cli(["restore", backup])
        #expect(result.code == .success, "\(result.errors)")
        let restored = try #require(Self.ownership(fixture.databasePath))
        #expect(restored.owner == serviceUser && restored.group == 1, "\(restored)")
        #expect(restored.mode == 0o600, "mode 0\(String(restored.mode, radix: 8))")
        let lock = try #require(Self.ownership(DaemonPresence.lockPath(forDatabase: fixture.databasePath)))
        #expect(lock.owner == serviceUser, "the daemon must be able to take its lock")
        for suffix in ["-wal", "-shm"] {
            if let leftover = Self.ownership(fixture.databasePath + suffix) {
                #expect(leftover.owner == serviceUser, "\(suffix)")
            }
        }

        // No live file: the directory's owner, and the mode jackpotd creates outboxes with.
        chown(fixture.directory.path, serviceUser, 1)
        try FileManager.default.removeItem(atPath: fixture.databasePath)
        #expect(await fixture.cli(["restore", backup]).code == .success)
        let fresh = try #require(Self.ownership(fixture.databasePath))
        #expect(fresh.owner == serviceUser && fresh.mode == 0o600, "\(fresh)")
    }

    static func ownership(_ path: String) -> (owner: uid_t, group: gid_t, mode: mode_t)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (info.st_uid, info.st_gid, info.st_mode & 0o7777)
    }

    /// The lock both sides take: a daemon cannot start during a restore, nor a restore during a daemon.
    @Test func aRestoreAndADaemonExcludeEachOther() throws {
        let directory = TemporaryDirectory()
        let database = directory.path("outbox.sqlite3")
        do {
            let daemon = try DaemonPresence(database: database, mode: .daemon)
            let standby = try DaemonPresence(database: database, mode: .daemon)  // two daemons may share an outbox
            #expect(throws: DaemonPresence.Busy.self) { try DaemonPresence(database: database, mode: .exclusive) }
            withExtendedLifetime((daemon, standby)) {}
        }
        let restore = try DaemonPresence(database: database, mode: .exclusive)
        #expect(throws: DaemonPresence.Busy.self) { try DaemonPresence(database: database, mode: .daemon) }
        withExtendedLifetime(restore) {}
    }
}
