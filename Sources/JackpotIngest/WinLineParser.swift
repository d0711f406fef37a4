import JackpotConfiguration
import JackpotStore
import JackpotWire

/// Turns one JSON Lines record (`operator` plus the wallet API's field names) into a
/// validated win. Strict on purpose: a typo such as `roundid` must be reported,
/// not silently dropped, because the operator would then never see the field.
package enum WinLineParser {
    /// Lines longer than this are rejected before parsing.
    package static let maxLineBytes = 64 * 1024

    /// The names a line may have: what `parse`'s `switch` matches, and what an unknown name is compared with.
    package static let knownFields: Set = [
        "operator", "userId", "gameId", "roundId", "reference", "jackpotId", "platform", "token", "timestamp", "amount",
        "jackpotDetails", "extra",
    ]

    /// Parses and validates one line. `now` supplies the timestamp when the line has none.
    package static func parse(_ line: some Collection<UInt8>, now: Int64) throws(WinValidationError) -> NewWin {
        guard line.count <= maxLineBytes else {
            throw WinValidationError(field: "line", reason: "is longer than \(maxLineBytes) bytes")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            throw WinValidationError(field: "line", reason: "is not valid JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw WinValidationError(field: "line", reason: "must be a JSON object, got \(value.kindName)")
        }
        return try parse(object, now: now)
    }

    /// A win's members by field, each found in one pass over the object.
    private struct Members {
        var operatorName, userId, gameId, roundId, reference, jackpotId: JSONValue?
        var platform, token, timestamp, amount, jackpotDetails, extra: JSONValue?
    }

    package static func parse(_ object: JSONObject, now: Int64) throws(WinValidationError) -> NewWin {
        // One pass, each key compared with the known names once: this runs for
        // every win. An unknown key is reported before any field is checked,
        // the first in document order.
        var members = Members()
        try object.forEachMember { (key, value) throws(WinValidationError) in
            switch key {
            case "operator": members.operatorName = value
            case "userId": members.userId = value
            case "gameId": members.gameId = value
            case "roundId": members.roundId = value
            case "reference": members.reference = value
            case "jackpotId": members.jackpotId = value
            case "platform": members.platform = value
            case "token": members.token = value
            case "timestamp": members.timestamp = value
            case "amount": members.amount = value
            case "jackpotDetails": members.jackpotDetails = value
            case "extra": members.extra = value
            default:
                let hint = Suggestion.closest(to: key, among: knownFields.sorted()).map { " (did you mean \"\($0)\"?)" } ?? ""
                let why = key == "hash" || key == "providerId" ? " (jackpotd adds it from the config)" : ""
                throw WinValidationError(field: key, reason: "is not a known field\(hint)\(why)")
            }
        }
        func text(_ field: String, _ member: JSONValue?, required: Bool) throws(WinValidationError) -> String? {
            switch member {
            case nil:
                if required { throw WinValidationError(field: field, reason: "is missing") }
                return nil
            case .string(let value)?:
                return value
            case let other?:
                throw WinValidationError(field: field, reason: "must be a string, got \(other.kindName)")
            }
        }
        let operatorName = try text("operator", members.operatorName, required: true)!
        let userId = try text("userId", members.userId, required: true)!
        let gameId = try text("gameId", members.gameId, required: true)!
        let roundId = try text("roundId", members.roundId, required: true)!
        let amountText: String
        switch members.amount {
        case nil: throw WinValidationError(field: "amount", reason: "is missing")
        case .number(let digits)?: amountText = digits
        case .string(let digits)?: amountText = digits
        case let other?: throw WinValidationError(field: "amount", reason: "must be a number or a string, got \(other.kindName)")
        }
        let amount: DecimalAmount
        do {
            amount = try DecimalAmount(validating: amountText)
        } catch {
            throw WinValidationError(field: "amount", reason: "\(error.reason) (\"\(amountText.prefix(40))\")")
        }
        let newWin = NewWin(
            operatorName: operatorName, userId: userId, gameId: gameId, roundId: roundId,
            amount: amount,
            reference: try text("reference", members.reference, required: true)!,
            timestamp: try text("timestamp", members.timestamp, required: false),
            jackpotId: try text("jackpotId", members.jackpotId, required: true)!,
            platform: try text("platform", members.platform, required: false),
            token: try text("token", members.token, required: false),
            jackpotDetails: try members.jackpotDetails.map { (value) throws(WinValidationError) in
                try WinExtras.jackpotDetailsText(value)
            },
            extra: try members.extra.map { (value) throws(WinValidationError) in try WinExtras.extra(value) } ?? [],
            now: now)
        try newWin.win.validate(now: now)
        return newWin
    }
}
