import Foundation
import Testing
import JackpotCLI
import JackpotStore
import TestSupport
import JackpotWire

extension ReconcileSuites {
    /// `jackpotd reconcile` against real outbox files: every category, the report's
    /// formats and column names, bad rows, exit codes.
    @Suite(.timeLimit(.minutes(3))) struct ReconcileCommandTests {
        /// casino-a: r-1…r-4 delivered (by a real daemon over HTTP), r-5 pending;
        /// casino-b: o-1 delivered.
        static func books() async throws -> OpsFixture {
            let fixture = try OpsFixture([FixtureOperator("casino-a"), FixtureOperator("casino-b")])
            try await fixture.enqueue(
                (1...4).map { winLine("r-\($0)", operator: "casino-a") } + [winLine("o-1", operator: "casino-b")])
            #expect(try await fixture.deliver { try $0.count(.delivered) == 5 })
            try fixture.outbox().database.execute(
                """
                INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id)
                VALUES ('r-5', 'casino-a', '421', 'Im_60_tumblefortune', '5103188801', '12.5', '568')
                """)
            return fixture
        }

        func txid(_ fixture: OpsFixture, _ reference: String) throws -> String {
            try #require(try fixture.win(reference).transactionId)
        }

        @Test func everyCategoryIsNamedCountedAndShown() async throws {
            let fixture = try await Self.books()
            let report = fixture.directory.write(
                "casino-a.csv",
                """
                reference,transactionId,amount,currency
                r-1,\(try txid(fixture, "r-1")),55.00,EUR
                r-2,op-wrong,55,EUR
                r-3,\(try txid(fixture, "r-3")),56,EUR
                r-5,op-5,12.50,EUR
                x-9,op-9,10,EUR
                o-1,\(try txid(fixture, "o-1")),55,EUR
                r-6,op-6,"5,5",EUR
                r-7,,1,EUR
                r-8,op-8

                """)
            let result = await fixture.cli(["reconcile", "casino-a", "--file", report, "--json"])
            #expect(result.code == .failure, "\(result.errors)")
            let object = try parseObject(result.output)
            let summary = try #require(object["summary"]?.objectValue)
            #expect(summary["matched"]?.asNumberText == "1")
            #expect(summary["mismatch"]?.asNumberText == "2")
            #expect(summary["creditedNotDeliveredHere"]?.asNumberText == "1")
            #expect(summary["unknownHere"]?.asNumberText == "2")
            #expect(summary["missingAtOperator"]?.asNumberText == "1")
            #expect(summary["badRows"]?.asNumberText == "3")
            #expect(summary["reportRows"]?.asNumberText == "6")
            let rows = try #require(object["rows"]?.asArray).compactMap { $0.objectValue }
            func row(_ reference: String) -> JSONObject? { rows.first { $0["reference"]?.stringValue == reference } }
            #expect(row("r-1") == nil, "matched rows are not listed")
            #expect(row("r-2")?["category"]?.stringValue == "mismatch")
            #expect(
                row("r-2")?["detail"]?.stringValue?.contains(
                    "transactionId here \(try txid(fixture, "r-2")), in the report op-wrong") == true)
            #expect(row("r-3")?["detail"]?.stringValue == "amount here 55, in the report 56")
            #expect(row("r-4")?["category"]?.stringValue == "missingAtOperator")
            #expect(row("r-4")?["line"] == .null)
            #expect(row("r-5")?["category"]?.stringValue == "creditedNotDeliveredHere")
            #expect(row("r-5")?["state"]?.stringValue == "pending")
            #expect(row("x-9")?["category"]?.stringValue == "unknownHere")
            #expect(row("o-1")?["detail"]?.stringValue == "here it is a win of operator casino-b")
            let bad = rows.filter { $0["category"]?.stringValue == "badRow" }
            #expect(bad.map { $0["line"]?.asNumberText } == ["8", "9", "10"])
            #expect(bad.first?["detail"]?.stringValue?.contains("amount \"5,5\" of r-6") == true)
            #expect(bad.dropFirst().first?["detail"]?.stringValue == "no transactionId for r-7")
            #expect(bad.last?["detail"]?.stringValue == "2 fields, the header has 4")
            // Nothing was changed without --apply.
            #expect(try fixture.win("r-5").state == .pending)

            let text = await fixture.cli(["reconcile", "casino-a", "--file", report])
            #expect(text.code == .failure)
            #expect(text.output.contains("  missing at operator          r-4  delivered here "))
            #expect(text.output.contains("  bad row                      line 8: amount \"5,5\" of r-6 "))
            #expect(text.output.contains("  credited, not delivered here  1"))
            #expect(text.output.contains("Rerun with --apply to settle the 1 win credited, not delivered here"))
        }

        @Test func aReportThatAgreesExitsZeroAndDecimalEqualAmountsMatch() async throws {
            let fixture = try await Self.books()
            try fixture.outbox().database.execute("DELETE FROM wins WHERE reference = 'r-5'")
            let lines = try (1...4).map { n in
                "{\"reference\":\"r-\(n)\",\"transactionId\":\"\(try txid(fixture, "r-\(n)"))\",\"amount\":\(["55", "55.0", "55.00", "\"55.000\""][n - 1])}"
            }
            let report = fixture.directory.write("casino-a.jsonl", lines.joined(separator: "\n") + "\n")
            let result = await fixture.cli(["reconcile", "casino-a", "--file", report])
            #expect(result.code == .success, "\(result.output)\(result.errors)")
            #expect(result.output.contains("  matched                       4"))
            #expect(!result.output.contains("Differences:"))
        }

        @Test func operatorColumnNamesAreMappedAndRFC4180QuotingIsRead() async throws {
            let fixture = try await Self.books()
            try fixture.outbox().database.execute("DELETE FROM wins WHERE reference = 'r-5'")
            var csv = "Ref,\"Note, free text\",TxId,Sum\r\n"
            for n in 1...4 {
                csv += "r-\(n),\"said \"\"hi\"\",\nover two lines\",\(try txid(fixture, "r-\(n)")),55.00\r\n"
            }
            let report = fixture.directory.write("report.txt", csv)
            let unmapped = await fixture.cli(["reconcile", "casino-a", "--file", report])
            #expect(unmapped.code == .usage)
            #expect(
                unmapped.errors.contains(
                    "the report's header has no column \"reference\" for reference (its columns: Ref, Note, free text, TxId, Sum); map it with --columns reference=NAME"
                ))

            let mapped = await fixture.cli([
                "reconcile", "casino-a", "--file", report, "--columns", "reference=Ref,transactionId=TxId,amount=Sum", "--json",
            ])
            #expect(mapped.code == .success, "\(mapped.output)\(mapped.errors)")
            let summary = try #require(try parseObject(mapped.output)["summary"]?.objectValue)
            #expect(summary["matched"]?.asNumberText == "4")
            #expect(summary["badRows"]?.asNumberText == "0")
        }

        /// Excel's "CSV UTF-8" starts with a byte order mark; it is not part of the first column's name.
        @Test func aCSVStartingWithAByteOrderMarkIsRead() async throws {
            let fixture = try await Self.books()
            try fixture.outbox().database.execute("DELETE FROM wins WHERE reference = 'r-5'")
            var csv = "\u{FEFF}reference,transactionId,amount\r\n"
            for n in 1...4 { csv += "r-\(n),\(try txid(fixture, "r-\(n)")),55.00\r\n" }
            let result = await fixture.cli(["reconcile", "casino-a", "--file", fixture.directory.write("excel.csv", csv)])
            #expect(result.code == .success, "\(result.output)\(result.errors)")
            #expect(result.output.contains("  matched                       4"), "\(result.output)")
            let jsonl = "\u{FEFF}{\"reference\":\"r-1\",\"transactionId\":\"\(try txid(fixture, "r-1"))\"}\n"
            let lines = await fixture.cli([
                "reconcile", "casino-a", "--file", fixture.directory.write("bom.jsonl", jsonl), "--json",
            ])
            let summary = try #require(try parseObject(lines.output)["summary"]?.objectValue, "\(lines.output)\(lines.errors)")
            #expect(summary["matched"]?.asNumberText == "1")
            #expect(summary["badRows"]?.asNumberText == "0")
        }

        @Test func aNumericTransactionIdAbove2To53KeepsItsDigits() async throws {
            let fixture = try OpsFixture([FixtureOperator("casino-a", numericTransactionIds: true)])
            try await fixture.enqueue([winLine("n-1", operator: "casino-a")])
            #expect(try await fixture.deliver { try $0.count(.delivered) == 1 })
            let id = try #require(try fixture.win("n-1").transactionId)
            let report = fixture.directory.write("r.jsonl", "{\"reference\":\"n-1\",\"transactionId\":\(id)}\n")
            let result = await fixture.cli(["reconcile", "casino-a", "--file", report])
            #expect(result.code == .success, "\(result.output)")
        }

        @Test func theWindowLimitsBothSidesAndARepeatedReferenceIsABadRow() async throws {
            let fixture = try await Self.books()
            // r-1 and r-2 were enqueued long ago; r-3, r-4, r-5 are in the window.
            try fixture.outbox().database.execute("UPDATE wins SET created_at = 1000 WHERE reference IN ('r-1', 'r-2')")
            let report = fixture.directory.write(
                "casino-a.csv",
                """
                reference,transactionId,creditedAt
                r-3,\(try txid(fixture, "r-3")),
                r-5,op-5,1970-01-01T00:00:01Z
                r-4,\(try txid(fixture, "r-4")),
                r-4,\(try txid(fixture, "r-4")),
                """)
            let result = await fixture.cli(["reconcile", "casino-a", "--file", report, "--from", "2000-01-01", "--json"])
            #expect(result.code == .failure)
            let object = try parseObject(result.output)
            let summary = try #require(object["summary"]?.objectValue)
            #expect(summary["matched"]?.asNumberText == "2")
            #expect(summary["outsideWindow"]?.asNumberText == "1", "r-5's creditedAt is before --from")
            #expect(summary["missingAtOperator"]?.asNumberText == "0", "r-1 and r-2 were enqueued before --from")
            #expect(summary["badRows"]?.asNumberText == "1")
            let rows = try #require(object["rows"]?.asArray).compactMap { $0.objectValue }
            #expect(rows.map { $0["detail"]?.stringValue } == ["r-4 is listed again (first on line 4)"])
        }

        @Test func malformedCSVRowsAreNamedByTheirFirstLineAndReadingGoesOn() async throws {
            let fixture = try await Self.books()
            let report = fixture.directory.write(
                "casino-a.csv",
                """
                reference,transactionId
                r-1,"tx"x
                r-2,t"x
                "r-3
                ,still quoted",\(try txid(fixture, "r-3"))
                r-4,\(try txid(fixture, "r-4"))
                r-5,"op-5
                """)
            let result = await fixture.cli(["reconcile", "casino-a", "--file", report, "--json"])
            let object = try parseObject(result.output)
            let rows = try #require(object["rows"]?.asArray).compactMap { $0.objectValue }
            let bad = rows.filter { $0["category"]?.stringValue == "badRow" }.map {
                "\($0["line"]?.asNumberText ?? "?"): \($0["detail"]?.stringValue ?? "")"
            }
            #expect(
                bad == [
                    "2: text after a closing quote", "3: a quote inside an unquoted field",
                    "7: a quoted field opened on line 7 is never closed",
                ])
            // The quoted reference spans lines 4-5 and is read whole: no such win here.
            #expect(rows.contains { $0["reference"]?.stringValue == "r-3\n,still quoted" && $0["line"]?.asNumberText == "4" })
            let summary = try #require(object["summary"]?.objectValue)
            #expect(summary["matched"]?.asNumberText == "1")
            #expect(summary["badRows"]?.asNumberText == "3")
        }

        @Test func usageErrorsExitTwoAndHelpTeachesWithAnExample() async throws {
            let fixture = try await Self.books()
            let report = fixture.directory.write("r.csv", "reference,transactionId\n")
            for (arguments, message) in [
                (["reconcile", "casino-a"], "missing --file REPORT"),
                (["reconcile", "casino-z", "--file", report], "unknown operator \"casino-z\""),
                (
                    ["reconcile", "casino-a", "--file", report, "--columns", "referense=ref"],
                    "unknown field \"referense\" (did you mean reference?)"
                ),
                (["reconcile", "casino-a", "--file", report, "--from", "yesterday"], "--from must be an ISO 8601 time"),
                (["reconcile", "casino-a", "--file", report, "--format", "xml"], "--format must be csv or jsonl"),
                (["reconcile", "casino-a", "--file", fixture.directory.path("absent.csv")], "cannot open --file"),
            ] {
                let result = await fixture.cli(arguments)
                #expect(result.code == .usage, "\(arguments)")
                #expect(result.errors.contains(message), "\(arguments): \(result.errors)")
            }
            let help = await runCLI(["reconcile", "--help"])
            #expect(help.code == .success)
            #expect(help.output.contains("jackpotd reconcile casino-a --file casino-a-2026-12-01.csv"))
            #expect(help.output.contains("--apply"))
        }
    }
}
