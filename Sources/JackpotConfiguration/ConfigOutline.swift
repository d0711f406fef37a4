import JackpotWire

/// What `status` reads of the config: where the outbox is, which operators are
/// configured, and each one's `duplicateWindowHours`.
///
/// Only those keys are decoded and checked. An aggregator's config names
/// thousands of operators, and validating each one's URL, secret source,
/// dialect and TLS files was most of what `status` cost on 10 000 of them; it
/// shows none of it. `check` and `run` validate the whole file, and a config
/// that fails them never runs, so `status` skipping that work shows nothing
/// wrong. It also keeps working while an operator's entry is broken, which is
/// when ops need it.
package struct ConfigOutline: Sendable {
    /// Path of the outbox database, resolved against the config file's directory.
    package var database: String?
    /// Each configured operator's `duplicateWindowHours` (its default when not set), by name.
    package var duplicateWindowHours: [String: Double]
}

extension ConfigLoader {
    /// The outline of the config file at `path`: its JSON parsed, and only the
    /// outline's keys checked, with the messages `check` gives for them.
    package static func loadOutline(path: String) throws(ConfigError) -> ConfigOutline {
        let absolute = absolutePath(path)
        let document = try parseJSON(try readConfigFile(path: path, absolute: absolute), path: path)
        var reader = ConfigReader()
        let outline = decodeOutline(document, baseDirectory: directory(of: absolute), reader: &reader)
        guard reader.problems.isEmpty, let outline else { throw ConfigError(path: path, problems: reader.problems) }
        return outline
    }

    private static func decodeOutline(_ document: JSONValue, baseDirectory: String, reader: inout ConfigReader) -> ConfigOutline?
    {
        guard case .object(let root) = document else {
            reader.problem("", "the config must be a JSON object, got \(ConfigReader.describe(document))")
            return nil
        }
        let database = reader.string(in: root, "database", at: "").map { resolve($0, against: baseDirectory) }
        guard let value = root["operators"] else {
            reader.problem("operators", "is required: an object of operators by name, at least one")
            return nil
        }
        guard let object = reader.object(value, at: "operators") else { return nil }
        guard object.count > 0 else {
            reader.problem("operators", "must name at least one operator")
            return nil
        }
        var hours: [String: Double] = [:]
        hours.reserveCapacity(object.count)
        for (name, body) in object.members {
            if !isValidOperatorName(name) {
                reader.problem(
                    ConfigReader.path("operators", name),
                    "invalid operator name: use 1 to 64 characters from A-Z a-z 0-9 . _ -, not starting with -")
            }
            guard case .object(let operatorObject) = body else {
                _ = reader.object(body, at: ConfigReader.path("operators", name))
                continue
            }
            var window = OperatorConfig.defaultDuplicateWindowHours
            if operatorObject["duplicateWindowHours"] != nil,
                let given = reader.number(
                    in: operatorObject, "duplicateWindowHours", at: ConfigReader.path("operators", name),
                    mustBe: "a number of hours > 0", where: { $0 > 0 })
            {
                window = given
            }
            hours[name] = window
        }
        return ConfigOutline(database: database, duplicateWindowHours: hours)
    }
}
