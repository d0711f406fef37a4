/// Whether loading a config reads the operators' secrets.
///
/// Only the commands that sign calls need them (`run`, `check`). Ops commands
/// must keep working when a secret file is broken — that is exactly when ops
/// need the console — and a platform that only enqueues should not need read
/// access to every operator's secret.
package enum SecretLoading: Sendable {
    /// Every secret must be readable; an unreadable one is a config error.
    case required
    /// Read where possible; an unreadable secret is recorded in
    /// `LoadedConfig.unavailableSecrets` and the operator's secret left empty (`show`).
    case ifReadable
    /// Not read at all: only the shape of the secret source is checked, and
    /// every operator's secret is left empty.
    case skipped
}
