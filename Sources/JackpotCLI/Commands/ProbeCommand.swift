import Foundation
import JackpotConfiguration
import JackpotDelivery
import JackpotWire

struct ProbeCommand: Command {
    static let name = "probe"
    static let summary = "Find the dialect settings a new operator's wallet needs, and check that it is safe"
    static let synopsis =
        "probe OPERATOR --user-id TEST_PLAYER [--token T] [--amount 0.01] [--url STAGING_URL] [--max-calls N] [--yes] [--json]"
    static let discussion = """
        Sends real JackPotWin calls to the operator's wallet (its configured URL, or
        --url, normally its staging wallet), each with a fresh reference starting
        with "probe-", crediting the test player a tiny amount. It first says how
        many calls it may make and how much they could credit at most, and asks
        before sending anything unless --yes is given (with no terminal to ask on,
        it refuses without --yes). Every call is recorded in the ops trail (action
        "probe") before it is sent; none is ever a win to deliver.

        1. One call exactly as the operator's config sends it.
        2. If refused, the search: it reads the refusal (HTTP status, error code,
           description, or an answer that is not JSON) and tries the differences
           wallets have, most likely first given what the refusal named, one at a
           time and combined: encoding (json/form), hash.fields with and without
           includeEmpty, includeQuery, encodeValues, fieldNames (userid, roundid,
           or a spelling the refusal used), amountDecimals, providerId, the token
           present or not, platform or jackpotDetails left out. A refusal no
           setting can cure ends the search and is named: unknown player (check
           --user-id), 404 or 405 on the URL, redirect, TLS or connection failure,
           no answer, a parameter only the operator can tell you the value of.
        3. With the settings that worked: the same call again must answer the
           same transactionId without a second credit (an "already credited"
           error code is noted and put in the snippet), a new reference must get
           its own transactionId, and a wrong hash must be refused.

        The report: what worked, the config members to paste into the operator's
        block, and findings with a severity. "accepts a wrong hash" and "credits
        a repeated reference again" are critical: such a wallet must not go live.

        The probe sends platform "desktop" and a small jackpotDetails object, so
        a wallet that hashes or refuses them shows it. Pass --token (a live
        session token of the test player) to learn how the wallet treats tokens.
        amountDecimals only shows with an amount whose shortest form differs from
        two decimals (--amount 0.1).

        Example:
          jackpotd probe casino-c --user-id qa-player-7 --url https://staging.casino-c.example/V4/JackPotWin

        Exit status: 0 a working and safe dialect, 1 found but unsafe, 2 usage or
        config error (or no confirmation), 3 no setting worked.
        """
    static let options: [OptionSpec] = [
        .value("--user-id", "TEST_PLAYER", help: "the operator's test player to credit (required)"),
        .value("--token", "T", help: "a live session token of that player, sent with the calls"),
        .value("--amount", "AMOUNT", help: "credited per call (default 0.01)"),
        .value("--url", "STAGING_URL", help: "call this URL instead of the operator's configured one"),
        .value("--max-calls", "N", help: "never more calls than this (default \(defaultMaxCalls), from 1 to 500)"),
        .flag("--yes", help: "send without asking"),
        .flag("--json", help: "print one JSON object: calls, snippet, findings, result"),
    ]

    static let defaultMaxCalls = 40

    let operatorName: String
    let userId: String
    let token: String?
    let amount: DecimalAmount
    let url: String?
    let maxCalls: Int
    let confirmed: Bool
    let json: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(1...1, what: "OPERATOR")
        operatorName = arguments.positionals[0]
        guard let userId = arguments.value("--user-id"), !userId.isEmpty else {
            throw UsageError("missing --user-id TEST_PLAYER (a test player of the operator's wallet)")
        }
        self.userId = userId
        token = arguments.value("--token").flatMap { $0.isEmpty ? nil : $0 }
        do {
            amount = try DecimalAmount(validating: arguments.value("--amount") ?? "0.01")
        } catch {
            throw UsageError("--amount: \(error.description)")
        }
        url = arguments.value("--url")
        maxCalls = try arguments.int("--max-calls", range: 1...500) ?? Self.defaultMaxCalls
        confirmed = arguments.flag("--yes")
        json = arguments.flag("--json")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let loaded = try context.loadConfig(secrets: .ifReadable)
        let config = loaded.config
        guard let operatorConfig = config.operators[operatorName] else {
            throw UsageError(
                "unknown operator \"\(operatorName)\" (configured: \(config.operators.keys.sorted().joined(separator: ", ")))")
        }
        if let reason = loaded.unavailableSecrets[operatorName] {
            throw UsageError("the secret of \(operatorName) cannot be read: \(reason)")
        }
        let target = url ?? operatorConfig.url
        try Self.checkURL(target, operator: operatorConfig)
        let outbox = try CommandContext.openExistingOutbox(
            at: context.databasePath(config: config), busyTimeoutMilliseconds: config.busyTimeoutMilliseconds)
        let transport = CurlTransport(maximumConnectionsPerHost: 1)
        let progress = json ? nil : context.output
        var session = ProbeSession(
            operatorName: operatorName, config: operatorConfig, globalProviderId: config.providerId, url: target,
            userId: userId, token: token, amount: amount, maxCalls: maxCalls, transport: transport, outbox: outbox,
            actor: context.actor,
            onCall: { call in
                progress?.line(ProbeReport.callLine(call))
                progress?.flush()
            })
        do {
            _ = try session.request(
                for: session.start, reference: session.freshReference(), timestamp: WallClock.nowMilliseconds())
        } catch {
            throw UsageError(
                "\(operatorName)'s settings refuse the probe win: \(error) (check --amount and the operator's limits)")
        }

        let statement = ProbeReport.statement(
            operator: operatorName, url: target, userId: userId, amount: amount, maxCalls: maxCalls)
        let say = json ? context.errors : context.output
        say.write(statement)
        say.flush()
        let result: ProbeSession.Result
        do {
            guard try confirmed || Self.askConfirmation(context) else {
                await transport.close()
                say.line("Nothing sent.")
                return .usage
            }
            result = try await session.run()
        } catch {
            await transport.close()
            throw error
        }
        await transport.close()
        let report = ProbeReport(
            operatorName: operatorName, url: target, userId: userId, config: operatorConfig, maxCalls: maxCalls,
            start: session.start, calls: session.calls, closest: session.closest, result: result)
        if json {
            context.output.line(JSONWriter.serialize(report.json))
        } else {
            context.output.write(report.text)
        }
        return report.exitCode
    }

    /// The probe calls what the daemon would call: the same scheme rules.
    static func checkURL(_ url: String, operator config: OperatorConfig) throws(UsageError) {
        let lowered = url.lowercased()
        if lowered.hasPrefix("https://") { return }
        if lowered.hasPrefix("http://") {
            if config.allowInsecureHTTP { return }
            throw UsageError("\(URLMasking.masked(url)) is http://; the operator's allowInsecureHTTP is not set (use https://)")
        }
        throw UsageError("--url must be an https:// URL, got \(URLMasking.masked(url))")
    }

    /// Asks on the terminal; refuses (exit 2) when there is none to ask on.
    static func askConfirmation(_ context: CommandContext) throws(UsageError) -> Bool {
        guard isatty(context.standardInput) == 1 else {
            throw UsageError("no terminal to confirm on: pass --yes to send these calls")
        }
        context.errors.write("Send these calls? [y/N] ")
        context.errors.flush()
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(context.standardInput, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        let answer = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
        return answer == "y" || answer == "yes"
    }
}
