extension Schema {
    /// v6 → v7: what the per-operator controls leave for ops to see. New
    /// nullable columns only, so rows written by plain SQL are unaffected.
    ///
    /// - `attempts.secret`: during a secret rotation, which secret signed the
    ///   call the attempt records (NULL when the operator has only one).
    /// - `operators.secret_in_use` / `secret_in_use_since`: the secret the
    ///   wallet last accepted, so ops see when the operator has switched.
    /// - `operators.rate_limited_since`: set while the operator's `rateLimit`
    ///   holds due wins back in `pending`.
    package static let operatorControls = """
        ALTER TABLE attempts ADD COLUMN secret TEXT CHECK (secret IN ('current', 'previous'));
        ALTER TABLE operators ADD COLUMN secret_in_use TEXT CHECK (secret_in_use IN ('current', 'previous'));
        ALTER TABLE operators ADD COLUMN secret_in_use_since INTEGER;
        ALTER TABLE operators ADD COLUMN rate_limited_since INTEGER;
        """
}
