import Foundation
import Testing
import TestSupport
import JackpotIngest
import JackpotStore
import JackpotWire

/// A win's timestamp is epoch milliseconds from 2000-01-01 to a day after now,
/// wherever a win comes in: a timestamp in seconds, or 0, would reach the
/// wallet as a win of 1970. The message says what is wrong and what is expected.
@Suite(.timeLimit(.minutes(2))) struct TimestampRangeTests {
    static let now: Int64 = 1_764_979_200_000  // 2025-12-06T00:00:00Z
    static let latest = now + 86_400_000

    static func line(timestamp: String) -> [UInt8] {
        Array(
            #"{"operator":"casino-a","userId":"421","gameId":"g","roundId":"r","amount":"55","reference":"ts","jackpotId":"568","timestamp":"\#(timestamp)"}"#
                .utf8)
    }

    static func reason(_ timestamp: String) -> String? {
        do {
            _ = try WinLineParser.parse(line(timestamp: timestamp), now: now)
            return nil
        } catch {
            #expect(error.field == "timestamp")
            return error.reason
        }
    }

    @Test func secondsZeroAndTooManyDigitsAreRefusedSayingWhatIsExpected() {
        let range = "must be epoch milliseconds from 2000-01-01 (946684800000) to a day from now (\(Self.latest))"
        #expect(Self.reason("1764979200") == "\(range), got 1764979200, which looks like seconds: multiply by 1000")
        #expect(Self.reason("0") == "\(range), got 0")
        #expect(Self.reason("17649792000000000000") == "\(range), got 17649792000000000000")
        #expect(Self.reason("99999999999999999999999") == "\(range), got 99999999999999999999999")
        #expect(Self.reason(String(Self.latest + 1)) == "\(range), got \(Self.latest + 1)")
        #expect(Self.reason("946684799999") == "\(range), got 946684799999")
        #expect(Self.reason("yesterday") == "must be epoch milliseconds, digits only (e.g. \"1482429190374\"), got \"yesterday\"")
    }

    @Test func theEdgesOfTheRangeAreAccepted() {
        for timestamp in ["946684800000", "1482429190374", String(Self.now), String(Self.latest)] {
            #expect(Self.reason(timestamp) == nil, "\(timestamp)")
        }
    }

    @Test func theLibraryRejectsAWinInSecondsAndStoresTheRest() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        func win(_ reference: String, _ timestamp: String) throws -> NewWin {
            NewWin(
                JackpotWin(
                    operatorName: "casino-a", userId: "421", gameId: "g", roundId: "r",
                    amount: try DecimalAmount(validating: "5"),
                    reference: reference, timestamp: timestamp, jackpotId: "568"))
        }
        let results = try outbox.enqueue([try win("lib-seconds", "1482429190"), try win("lib-ok", "1482429190374")])
        let rejected = try #require(results.first)
        guard case .rejected(.invalid(let field, let reason)) = rejected else {
            Issue.record("a timestamp in seconds was \(rejected)")
            return
        }
        #expect(field == "timestamp")
        #expect(reason.hasPrefix("must be epoch milliseconds from 2000-01-01"), "\(reason)")
        #expect(reason.hasSuffix("got 1482429190, which looks like seconds: multiply by 1000"), "\(reason)")
        #expect(results.last == .accepted)
        #expect(try outbox.win(reference: "lib-seconds") == nil)
    }

    /// Rows written with plain SQL are checked by the daemon before they are sent.
    @Test func aPlainSQLRowInSecondsIsParkedWithTheReason() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        try outbox.database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, timestamp)
            VALUES ('sql-seconds', 'casino-a', '421', 'g', 'r', '55', '568', '1482429190')
            """)
        let parked = try outbox.parkInvalidNewWins(knownOperators: ["casino-a"], now: Self.now)
        #expect(parked.map(\.reference) == ["sql-seconds"])
        #expect(
            parked.first?.reason.hasSuffix("got 1482429190, which looks like seconds: multiply by 1000") == true,
            "\(parked.first?.reason ?? "")")
        #expect(try outbox.win(reference: "sql-seconds")?.state == .failed)
    }
}
