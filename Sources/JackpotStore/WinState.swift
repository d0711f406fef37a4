/// Where a win is in its life. `sending` means leased by a daemon.
package enum WinState: String, Sendable, Hashable, CaseIterable {
    case pending, sending, delivered, failed, cancelled

    /// States ops may make due again. A delivered win is credited and never sent
    /// again; a sending one is in flight.
    package static let retryable: Set<WinState> = [.failed, .cancelled, .pending]
}
