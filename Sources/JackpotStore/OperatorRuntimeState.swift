/// An operator's row in the `operators` table: ops' pause flag and the
/// daemon's circuit breaker, stored so `status` and a restarted daemon see them.
package struct OperatorRuntimeState: Sendable, Hashable {
    package var name: String
    package var paused: Bool
    package var pauseReason: String?
    package var pausedAt: Int64?
    package var circuitState: CircuitState
    package var consecutiveFailures: Int
    package var circuitOpenUntil: Int64?
    package var circuitCooldown: Double
    /// The operator's current run of identical refusals, if any.
    package var refusal: OperatorRefusal?
    /// During a secret rotation, the secret the wallet last accepted, and since when.
    package var secretInUse: SecretChoice?
    package var secretInUseSince: Int64?
    /// Since when the operator's `rateLimit` holds due wins back; nil when it does not.
    package var rateLimitedSince: Int64?

    init(row: Row) {
        name = row.string("name") ?? ""
        paused = row.bool("paused") ?? false
        pauseReason = row.string("pause_reason")
        pausedAt = row.int64("paused_at")
        circuitState = CircuitState(rawValue: row.string("circuit_state") ?? "") ?? .closed
        consecutiveFailures = row.int("consecutive_failures") ?? 0
        circuitOpenUntil = row.int64("circuit_open_until")
        circuitCooldown = row.double("circuit_cooldown") ?? 0
        secretInUse = row.string("secret_in_use").flatMap(SecretChoice.init(rawValue:))
        secretInUseSince = row.int64("secret_in_use_since")
        rateLimitedSince = row.int64("rate_limited_since")
        if let code = row.int("refusal_code") {
            refusal = OperatorRefusal(
                code: code, description: row.string("refusal_description"), since: row.int64("refusal_since") ?? 0,
                wins: row.int("refusal_wins") ?? 0)
        }
    }
}

extension Outbox {
    package func operatorStates() throws -> [String: OperatorRuntimeState] {
        var states: [String: OperatorRuntimeState] = [:]
        for row in try database.query("SELECT * FROM operators") {
            let state = OperatorRuntimeState(row: row)
            states[state.name] = state
        }
        return states
    }

    /// The operators ops paused: all the pause-flag reader needs on each pass,
    /// without a row of every one of thousands of operators read and dropped.
    package func pausedOperators() throws -> Set<String> {
        Set(try database.query("SELECT name FROM operators WHERE paused = 1").compactMap { $0.string("name") })
    }

    /// Makes sure every configured operator has a row, so `pause` and `status` know it.
    /// One transaction for all: a commit per row made a 10 000-operator start wait for
    /// 10 000 fsyncs.
    package func ensureOperators(_ names: [String], now: Int64) throws {
        try database.transaction { try insertMissingOperators(names, now: now) }
    }

    /// `ensureOperators` inside a transaction the caller holds.
    private func insertMissingOperators(_ names: [String], now: Int64) throws {
        for name in names {
            try database.execute(
                "INSERT INTO operators (name, updated_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                [.text(name), .integer(now)])
        }
    }

    /// Stores an operator's circuit breaker so `status` and a restarted daemon see it.
    package func saveCircuit(
        operator name: String, state: CircuitState, consecutiveFailures: Int, openUntil: Int64?, cooldownSeconds: Double,
        now: Int64
    ) throws {
        try database.execute(
            """
            INSERT INTO operators (name, circuit_state, consecutive_failures, circuit_open_until, circuit_cooldown, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (name) DO UPDATE SET circuit_state = ?2, consecutive_failures = ?3,
                circuit_open_until = ?4, circuit_cooldown = ?5, updated_at = ?6
            """,
            [
                .text(name), .text(state.rawValue), .integer(Int64(consecutiveFailures)),
                SQLValue(openUntil), .real(cooldownSeconds), .integer(now),
            ])
    }

    /// Stores what the daemon's per-operator controls show `status`: the secret
    /// the wallet last accepted (nil outside a rotation) and whether the rate
    /// limit holds wins back.
    package func saveControls(
        operator name: String, secretInUse: SecretChoice?, secretInUseSince: Int64?, rateLimitedSince: Int64?, now: Int64
    ) throws {
        try database.execute(
            """
            INSERT INTO operators (name, secret_in_use, secret_in_use_since, rate_limited_since, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (name) DO UPDATE SET secret_in_use = ?2, secret_in_use_since = ?3, rate_limited_since = ?4,
                updated_at = ?5
            """,
            [
                .text(name), SQLValue(secretInUse?.rawValue), SQLValue(secretInUseSince), SQLValue(rateLimitedSince),
                .integer(now),
            ])
    }

    /// Pauses or resumes an operator. Returns false when the state was already so.
    @discardableResult
    package func setPaused(operator name: String, _ paused: Bool, reason: String?, now: Int64, by actor: String) throws -> Bool {
        try database.transaction {
            try insertMissingOperators([name], now: now)
            try database.execute(
                """
                UPDATE operators SET paused = ?, pause_reason = ?, paused_at = ?, updated_at = ?
                WHERE name = ? AND paused <> ?
                """,
                [
                    SQLValue(paused), paused ? SQLValue(reason) : .null, paused ? .integer(now) : .null, .integer(now),
                    .text(name), SQLValue(paused),
                ])
            guard database.changes == 1 else { return false }
            try record(OpsAction(at: now, actor: actor, kind: paused ? .pause : .resume, operatorName: name, reason: reason))
            return true
        }
    }

    /// Hands back every win leased to `owner` (shutdown): pending again, due now.
    package func releaseAll(owner: String, now: Int64) throws {
        try database.execute(
            """
            UPDATE wins SET state = 'pending', updated_at = ?1, lease_owner = NULL, lease_expires_at = NULL
            WHERE state = 'sending' AND lease_owner = ?2
            """,
            [.integer(now), .text(owner)])
    }
}
