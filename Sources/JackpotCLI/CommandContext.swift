import Foundation
import JackpotConfiguration
import JackpotStore

/// What a command runs with: its streams, environment and the global options.
package struct CommandContext: Sendable {
    package var output: TextOutput
    package var errors: TextOutput
    package var environment: [String: String]
    /// Read by `enqueue` when no `--file` is given.
    package var standardInput: Int32
    package var configPath: String?
    package var databaseOverride: String?

    package init(
        output: TextOutput, errors: TextOutput, environment: [String: String],
        standardInput: Int32 = STDIN_FILENO, configPath: String? = nil, databaseOverride: String? = nil
    ) {
        self.output = output
        self.errors = errors
        self.environment = environment
        self.standardInput = standardInput
        self.configPath = configPath
        self.databaseOverride = databaseOverride
    }

    /// `--config`, else `$JACKPOTD_CONFIG`.
    package var resolvedConfigPath: String? {
        configPath ?? environment["JACKPOTD_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Loads the configuration, printing its warnings. Throws `ConfigError` or a UsageError when none is named.
    /// Secrets are not read unless asked for: only `run` and `check` sign calls,
    /// and every other command must work while a secret file is broken.
    package func loadConfig(secrets: SecretLoading = .skipped) throws -> LoadedConfig {
        guard let path = resolvedConfigPath else {
            throw UsageError("no configuration: pass --config FILE or set JACKPOTD_CONFIG")
        }
        let loaded = try ConfigLoader.load(path: path, environment: environment, secrets: secrets)
        for warning in loaded.warnings { errors.line("jackpotd: warning: \(warning)") }
        return loaded
    }

    /// The config when one is named, else nil (commands that only need the database).
    package func loadConfigIfNamed(secrets: SecretLoading = .skipped) throws -> LoadedConfig? {
        resolvedConfigPath == nil ? nil : try loadConfig(secrets: secrets)
    }

    /// The named config's outline (`ConfigOutline`: database, operators, duplicate
    /// windows), else nil: what `status` reads, without checking the rest of the file.
    package func loadConfigOutlineIfNamed() throws -> ConfigOutline? {
        guard let path = resolvedConfigPath else { return nil }
        return try ConfigLoader.loadOutline(path: path)
    }

    /// `--db`, else the config's database.
    package func databasePath(config: JackpotConfig?) throws(UsageError) -> String {
        try databasePath(configured: config?.database)
    }

    /// `--db`, else `database`, the config's.
    package func databasePath(configured database: String?) throws(UsageError) -> String {
        if let databaseOverride { return databaseOverride }
        if let database { return database }
        throw UsageError("no database: pass --db PATH, or --config FILE with a \"database\" key")
    }

    /// Opens the outbox named by `--db` or the config. Commands that only read or
    /// steer the outbox work with `--db` alone.
    package func openOutbox() throws -> Outbox {
        let config = databaseOverride == nil ? try loadConfig().config : nil
        return try Self.openExistingOutbox(at: databasePath(config: config), checkpoints: config?.checkpoints ?? .sqlite)
    }

    /// Opens an outbox that must already exist. Ops commands never create one: a
    /// mistyped `--db` would otherwise become a new, empty outbox that reports
    /// nothing pending and no such win. (`run`, and `enqueue --create`, create it.)
    /// A user who may not open it is told so, with the path and the service user.
    /// `checkpoints` is the config's: a command that writes must not checkpoint
    /// an outbox Litestream replicates.
    package static func openExistingOutbox(
        at path: String, busyTimeoutMilliseconds: Int = 5000, checkpoints: CheckpointOwner = .sqlite
    ) throws -> Outbox {
        try FileAccess.requireExistingOutbox(path)
        let walDeleted = DeletedWAL.looksDeleted(database: path)
        do {
            return try Outbox(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, checkpoints: checkpoints)
        } catch let error as DatabaseError where walDeleted && error.isIOError {
            throw DeletedWAL.failure(database: path, error: error)
        }
    }
}
