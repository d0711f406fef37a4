extension Schema {
    /// Wallet dialects (schema version 2): a win's `jackpot_details` and `extra` (both
    /// part of its content, sent and hashed), how a delivery was confirmed when
    /// the operator answered an "already credited" code, and each operator's run
    /// of identical refusals for `status`. Only nullable or defaulted columns are
    /// added, so rows written by plain SQL before and after stay valid.
    ///
    /// One self-contained step: renumbering it means moving one line in `migrations`.
    package static let walletDialects = """
        -- The win's jackpotDetails as sent: a JSON object's compact text, or a plain string.
        ALTER TABLE wins ADD COLUMN jackpot_details TEXT;
        -- Further string parameters, as a JSON object of strings, e.g. {"sessionId":"s-1"}.
        ALTER TABLE wins ADD COLUMN extra TEXT;
        -- Set when the operator confirmed with an alreadyCreditedErrorCodes answer
        -- (transaction_id is then its id, or '' when the answer had none).
        ALTER TABLE wins ADD COLUMN already_credited_code INTEGER;

        -- The same error code answered to consecutive wins (e.g. 5 invalid hash):
        -- the code, its description, when the run began and how many wins it has.
        ALTER TABLE operators ADD COLUMN refusal_code INTEGER;
        ALTER TABLE operators ADD COLUMN refusal_description TEXT;
        ALTER TABLE operators ADD COLUMN refusal_since INTEGER;
        ALTER TABLE operators ADD COLUMN refusal_wins INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE operators ADD COLUMN refusal_last_win INTEGER;
        """
}
