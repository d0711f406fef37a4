/// Which of an operator's secrets signed a call during a rotation: the
/// `current` one (`secretFile` / `secretEnv`) or the `previous` one being
/// rotated out. Stored in the attempt log and, for the one the wallet last
/// accepted, in the `operators` table.
package enum SecretChoice: String, Sendable, Hashable, CaseIterable {
    case current
    case previous

    package var other: SecretChoice { self == .current ? .previous : .current }
}
