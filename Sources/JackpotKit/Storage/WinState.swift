/// Where a win is in its life. `sending` means leased by a daemon.
public enum WinState: String, Sendable, Hashable, CaseIterable {
    case pending, sending, delivered, failed, cancelled

    /// States ops may make due again. A delivered win is credited and never sent
    /// again; a sending one is in flight.
    public static let retryable: Set<WinState> = [.failed, .cancelled, .pending]

    /// Parses a user-supplied state name, with an error that lists the valid ones.
    public init(parsing text: String) throws(UsageError) {
        guard let state = WinState(rawValue: text.lowercased()) else {
            throw UsageError("unknown state \"\(text)\" (expected one of: \(WinState.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = state
    }
}
