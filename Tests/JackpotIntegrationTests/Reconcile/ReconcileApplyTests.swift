import Foundation
import Testing
import JackpotCLI
import TestSupport
import JackpotDelivery
import JackpotStore
import JackpotWire
import OperatorSimulator

extension ReconcileSuites {
    /// `reconcile --apply`: what the operator confirms credited becomes delivered
    /// with its transactionId, is logged as settled, and is never sent again —
    /// also when a daemon is running, holding leases and retrying.
    @Suite(.timeLimit(.minutes(4))) struct ReconcileApplyTests {
        @Test func creditedWinsAreSettledLoggedShownExportedAndNeverSentAgain() async throws {
            let fixture = try OpsFixture()
            try await fixture.enqueue([winLine("f-1", operator: "casino-a"), winLine("ok-1", operator: "casino-a")])
            // f-1 is refused (no retry) and parked failed; the wallet credits nothing.
            fixture.wallet("casino-a").setFaultPlan { $0 == 1 ? .errorCode(120, description: "Player blocked") : nil }
            #expect(try await fixture.deliver { try $0.count(.failed) + $0.count(.delivered) == 2 })
            let failedReference = try fixture.win("f-1").state == .failed ? "f-1" : "ok-1"
            let delivered = failedReference == "f-1" ? "ok-1" : "f-1"
            // p-1 waits, pending (written by plain SQL, due in an hour).
            try fixture.outbox().database.execute(
                """
                INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, next_attempt_at)
                VALUES ('p-1', 'casino-a', '421', 'g', 'r', '7.5', '568', 99999999999999)
                """)
            let before = try fixture.win(delivered)
            let report = fixture.directory.write(
                "casino-a-2026-12-01.csv",
                """
                reference,transactionId,amount
                \(failedReference),op-77,55.00
                p-1,op-78,7.50
                \(delivered),\(try #require(before.transactionId)),55

                """)

            let applied = await fixture.cli(["reconcile", "casino-a", "--file", report, "--apply"])
            #expect(applied.code == .failure, "differences were found (and settled)")
            #expect(applied.output.contains("→ settled: failed → delivered, transactionId op-77"), "\(applied.output)")
            #expect(applied.output.contains("→ settled: pending → delivered, transactionId op-78"))
            #expect(applied.output.contains("Settled 2 wins as delivered."))

            let settled = try fixture.win(failedReference)
            #expect(settled.state == .delivered)
            #expect(settled.transactionId == "op-77")
            #expect(settled.attempts == 1, "a settlement is not a call")
            #expect(try fixture.win("p-1").transactionId == "op-78")
            #expect(try fixture.win(delivered) == before, "a matched win is not touched")
            let log = try fixture.outbox().attempts(winId: settled.id)
            #expect(log.last?.daemon == "jackpotd reconcile")
            #expect(log.last?.outcome == "delivered")
            #expect(
                log.last?.detail
                    == "settled by reconciliation: \(report) line 2 lists it credited, transactionId op-77 (was failed)")

            let show = try await fixture.showJSON(failedReference)
            #expect(show["settledByReconciliation"]?.asBool == true)
            #expect(show["deliveryNote"]?.stringValue?.hasPrefix("settled by reconciliation: \(report)") == true)
            let showText = await fixture.cli(["show", "p-1"])
            #expect(showText.output.contains("confirmed:"))
            #expect(showText.output.contains("settled by reconciliation: \(report) line 3"))
            let export = await fixture.cli(["export", "--format", "jsonl"])
            let exported = try export.output.split(separator: "\n").map { try parseObject(String($0)) }
            #expect(
                exported.first { $0["reference"]?.stringValue == "p-1" }?["deliveryNote"]?.stringValue?.contains(
                    "settled by reconciliation") == true)
            #expect(exported.first { $0["reference"]?.stringValue == delivered }?["deliveryNote"] == .null)
            let csv = await fixture.cli(["export"])
            #expect(
                csv.output.contains(
                    "\"settled by reconciliation: \(report) line 3 lists it credited, transactionId op-78 (was pending)\""))

            // Run again: everything matches now.
            let again = await fixture.cli(["reconcile", "casino-a", "--file", report])
            #expect(again.code == .success, "\(again.output)")

            // A running daemon never sends a settled win: the wallet sees only the new win.
            let requestsBefore = fixture.wallet("casino-a").snapshot.requests
            try await fixture.enqueue([winLine("new-1", operator: "casino-a")])
            #expect(try await fixture.deliver { try $0.win("new-1").state == .delivered })
            #expect(fixture.wallet("casino-a").snapshot.requests == requestsBefore + 1)
            #expect(fixture.wallet("casino-a").credit(for: failedReference) == nil)
            #expect(fixture.wallet("casino-a").credit(for: "p-1") == nil)
        }

        /// A `sending` win is settled only when no live daemon holds its lease; a
        /// daemon's later recording of that call cannot undo the settlement.
        @Test func aSendingWinIsSettledOnlyWhenItsLeaseIsFree() async throws {
            let fixture = try OpsFixture()
            try await fixture.enqueue(["live", "expired", "dead"].map { winLine($0, operator: "casino-a") })
            let outbox = try fixture.outbox()
            let now = WallClock.nowMilliseconds()
            let alive = LeaseOwner.current().description  // this test process: alive
            // A daemon of this host, boot and pid namespace whose process is gone.
            let me = LeaseOwner.current()
            let dead = LeaseOwner(
                host: me.host, pid: Int32.max - 7, nonce: "gone", bootId: me.bootId, pidNamespace: me.pidNamespace
            ).description
            for (reference, owner, expires) in [
                ("live", alive, now + 600_000), ("expired", alive, now - 1), ("dead", dead, now + 600_000),
            ] {
                try outbox.database.execute(
                    "UPDATE wins SET state = 'sending', lease_owner = ?, lease_expires_at = ? WHERE reference = ?",
                    [.text(owner), .integer(expires), .text(reference)])
            }
            let report = fixture.directory.write("r.csv", "reference,transactionId\nlive,op-1\nexpired,op-2\ndead,op-3\n")
            let result = await fixture.cli(["reconcile", "casino-a", "--file", report, "--apply", "--json"])
            let rows = try #require(try parseObject(result.output)["rows"]?.asArray).compactMap { $0.objectValue }
            func row(_ reference: String) -> JSONObject? { rows.first { $0["reference"]?.stringValue == reference } }
            #expect(row("live")?["notSettled"]?.stringValue?.hasPrefix("being sent by daemon \(alive)") == true)
            #expect(row("expired")?["settled"]?.stringValue == "sending → delivered, transactionId op-2")
            #expect(row("dead")?["settled"]?.stringValue == "sending → delivered, transactionId op-3")
            #expect(try fixture.win("live").state == .sending)
            #expect(try fixture.win("live").leaseOwner == alive)

            // The daemon whose lease expired now records its call's end: nothing changes.
            let expired = try fixture.win("expired")
            for change in [
                RecordedOutcome.Change.retry(nextAttemptAt: now, reason: "timeout"), .failed(reason: "refused"),
                .released, .delivered(Confirmation(transactionId: "late-id")),
            ] {
                try outbox.database.transaction {
                    try outbox.record([RecordedOutcome(winId: expired.id, attempt: nil, change: change)], owner: alive, now: now)
                }
                let after = try fixture.win("expired")
                #expect(after.state == .delivered)
                #expect(after.transactionId == "op-2")
            }
        }

        /// Reconcile while the daemon is delivering and retrying: the operator
        /// credited every win but each answer was lost. Wins a daemon is sending are
        /// left; running reconcile again settles them; none is sent after settling.
        @Test func reconcileWhileTheDaemonDeliversSettlesEverythingAndNothingIsSentAfter() async throws {
            // The circuit stays closed, so every win keeps being retried while we reconcile.
            let fixture = try OpsFixture([FixtureOperator("casino-a", extra: "\"circuit\": {\"failureThreshold\": 100000}")])
            let wallet = fixture.wallet("casino-a")
            wallet.setFaultPlan { _ in .creditThenReset }
            let references = (1...40).map { "w-\($0)" }
            try await fixture.enqueue(references.map { winLine($0, operator: "casino-a") })
            try await fixture.withDispatcher {
                try #require(try await eventually { references.allSatisfy { wallet.credit(for: $0) != nil } })
                let report = fixture.directory.write(
                    "lost-answers.csv",
                    "reference,transactionId\n"
                        + references.map { "\($0),\(wallet.credit(for: $0)?.transactionId ?? "")" }.joined(separator: "\n") + "\n"
                )
                var passes = 0
                var settledAll = false
                while !settledAll && passes < 200 {
                    passes += 1
                    let result = await fixture.cli(["reconcile", "casino-a", "--file", report, "--apply", "--json"])
                    let summary = try #require(try parseObject(result.output)["summary"]?.objectValue)
                    settledAll =
                        summary["notSettled"]?.asNumberText == "0" && summary["creditedNotDeliveredHere"]?.asNumberText == "0"
                        && summary["matched"]?.asNumberText == "40"
                    if !settledAll { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(settledAll, "after \(passes) passes")
                // No win can be in flight now (a leased one is never settled), so from
                // here on the wallet must see exactly the one new win.
                let requests = wallet.snapshot.requests
                wallet.setFaultPlan(nil)
                try await fixture.enqueue([winLine("after", operator: "casino-a")])
                #expect(try await eventually { try fixture.win("after").state == .delivered })
                #expect(wallet.snapshot.requests == requests + 1)
            }
            for reference in references {
                let win = try fixture.win(reference)
                #expect(win.state == .delivered)
                #expect(win.transactionId == wallet.credit(for: reference)?.transactionId)
            }
            #expect(wallet.snapshot.credited == 41)
        }

        /// A running daemon with calls on the wire (the wallet holds them unanswered)
        /// and claimed wins waiting in memory: reconcile leaves every win it has
        /// leased, settles the rest, and after the daemon stopped settles those too.
        /// No settled win reaches the wallet again, in that daemon or the next.
        @Test func winsALiveDaemonHoldsAreLeftAloneUntilItLetsGo() async throws {
            let directory = TemporaryDirectory()
            let wallet = try ScriptedOperator(secret: "s-a")
            defer { wallet.stop() }
            let config = writeConfig(
                in: directory,
                operators: [
                    TestOperator(
                        name: "casino-a", url: wallet.url, secret: "s-a",
                        extra: fastDelivery(
                            timeoutSeconds: 30, concurrency: 4, extra: "\"circuit\": {\"failureThreshold\": 100000}"))
                ],
                extraTopLevel: "\"shutdownGraceSeconds\": 0.5")
            let references = (1...12).map { "h-\($0)" }
            // Twelve credits whose answers are lost, then four calls that are never answered.
            wallet.enqueueFaults(Array(repeating: .creditThenReset, count: 12) + Array(repeating: .hang, count: 4))
            let file = directory.write(
                "wins.jsonl", references.map { winLine($0, operator: "casino-a") }.joined(separator: "\n") + "\n")
            #expect(await runCLI(["enqueue", "--create", "--file", file, "--config", config]).code == .success)
            let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
            func sending() throws -> Int {
                Int(try outbox.database.queryScalar("SELECT count(*) FROM wins WHERE state = 'sending'").integerValue ?? -1)
            }

            let daemon = try RunningDispatcher(configPath: config)
            try #require(try await eventually { try wallet.snapshot.requests == 16 && sending() >= 4 })
            // Paused, the daemon claims nothing more: the wins it holds now are the four
            // unanswered calls, and they stay held while the report is reconciled.
            #expect(await runCLI(["pause", "casino-a", "--config", config]).code == .success)
            try #require(try await eventually { try daemon.logged("operator_paused") && sending() == 4 })
            let credited = references.filter { wallet.credit(for: $0) != nil }
            let received = Dictionary(uniqueKeysWithValues: credited.map { ($0, wallet.credit(for: $0)?.timesReceived ?? -1) })
            let report = directory.write(
                "report.csv",
                "reference,transactionId\n"
                    + credited.map { "\($0),\(wallet.credit(for: $0)?.transactionId ?? "")" }.joined(separator: "\n") + "\n")

            let leased = try credited.filter { try outbox.win(reference: $0)?.state == .sending }
            let first = await runCLI(["reconcile", "casino-a", "--file", report, "--apply", "--json", "--config", config])
            let firstObject = try parseObject(first.output)
            let held = try #require(firstObject["rows"]?.asArray).compactMap { $0.objectValue }.filter { $0["notSettled"] != nil }
            #expect(leased.count >= 4, "the four unanswered calls (and any claimed win waiting for a slot)")
            #expect(Set(held.compactMap { $0["reference"]?.stringValue }) == Set(leased))
            #expect(held.allSatisfy { $0["notSettled"]?.stringValue?.hasPrefix("being sent by daemon ") == true })
            for row in held { #expect(try outbox.win(reference: row["reference"]?.stringValue ?? "")?.state == .sending) }
            let summary = try #require(firstObject["summary"]?.objectValue)
            #expect(summary["settled"]?.asNumberText == String(credited.count - held.count))

            try await daemon.stop()
            #expect(await runCLI(["resume", "casino-a", "--config", config]).code == .success)
            let second = await runCLI(["reconcile", "casino-a", "--file", report, "--apply", "--json", "--config", config])
            #expect(try parseObject(second.output)["summary"]?.objectValue?["notSettled"]?.asNumberText == "0")
            let third = await runCLI(["reconcile", "casino-a", "--file", report, "--config", config])
            #expect(third.code == .success, "\(third.output)")

            // A new daemon on the same outbox, the wallet healthy: only the new win (and any
            // win the wallet never credited) is sent; every settled one stays as it was.
            let next = try RunningDispatcher(configPath: config)
            let late = directory.write("late.jsonl", winLine("late-1", operator: "casino-a") + "\n")
            #expect(await runCLI(["enqueue", "--file", late, "--config", config]).code == .success)
            #expect(try await eventually { try outbox.win(reference: "late-1")?.state == .delivered })
            try await next.stop()
            for reference in credited {
                #expect(wallet.credit(for: reference)?.timesReceived == received[reference], "\(reference) was sent again")
                #expect(try outbox.win(reference: reference)?.transactionId == wallet.credit(for: reference)?.transactionId)
            }
        }
    }
}
