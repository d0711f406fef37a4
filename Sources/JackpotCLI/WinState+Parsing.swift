import JackpotStore

extension WinState {
    /// Parses a user-supplied state name, with an error that lists the valid ones.
    init(parsing text: String) throws(UsageError) {
        guard let state = WinState(rawValue: text.lowercased()) else {
            throw UsageError(
                "unknown state \"\(text)\" (expected one of: \(WinState.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = state
    }
}
