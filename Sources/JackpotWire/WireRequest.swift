/// One field of the JackPotWin call, as text exactly as it is hashed.
public struct WireField: Sendable, Hashable {
    public let key: String
    public let value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// The exact request for one win to one operator.
///
/// A pure function of (win, providerId, operator config), so every attempt of a
/// win sends byte-identical bytes: operators dedupe on `reference` and verify
/// the hash, and a body that drifted between retries (a re-rendered amount, a
/// new timestamp) would look like a different or forged transaction.
package struct WireRequest: Sendable, Hashable {
    /// The fields sent, in body order, without `hash`, by their wire names.
    /// Absent optional fields (`platform`, `token`, `jackpotDetails`) are not
    /// listed: they are neither sent nor hashed (unless the operator's
    /// `hash.fields` with `includeEmpty` names them).
    package let fields: [WireField]
    package let hash: String
    /// The hashed text without the secret (`RequestHash.canonicalString`). It
    /// contains the player token when one is sent; use `displayCanonicalString()`
    /// for logs and `show`. Joined on demand: the hash is taken of the bytes.
    package var canonicalString: String { RequestHash.join(hashedFields) }
    /// The `key=value` pairs of `canonicalString`, in order.
    package let hashedFields: [WireField]
    /// Hashed keys whose values are credentials (the token, query parameters):
    /// masked wherever the hashed text is displayed.
    package let maskedHashKeys: [String]
    /// POST to the operator's URL (query string kept), headers, body bytes.
    package let http: HTTPRequestData
    package let encoding: BodyEncoding
    /// Wire names of the fields the body treats specially: `amount` goes out as a
    /// JSON number, the token is masked in displays.
    package let amountKey: String
    package let tokenKey: String
    /// Names of the configured headers whose values are credentials: `***` in displays.
    package let secretHeaderNames: [String]

    /// What replaces the player token wherever a request is displayed.
    package static let tokenMask = "***"

    package static let userAgent = "jackpotd/1"

    /// The standard fields, by their contract names (what `fieldNames` renames).
    package static let standardFields = [
        "userId", "gameId", "roundId", "amount", "reference", "providerId", "timestamp", "jackpotId",
        "platform", "token", "jackpotDetails",
    ]
    /// Names `extra` may not use.
    package static let reservedFields = Set(standardFields + ["hash"])

    /// Throws `AmountError` when the operator's `amountDecimals` is too few for
    /// the amount (rounding money is never our call), and `WinValidationError`
    /// when the operator's dialect refuses the win (`requireToken`, `limits`,
    /// a field name sent twice).
    package static func build(win: JackpotWin, providerId: String, settings: WireSettings) throws -> WireRequest {
        let dialect = settings.dialect
        if let refusal = dialect.refusal(of: win) { throw refusal }
        let amount: String
        if let decimals = settings.amountDecimals {
            amount = try win.amount.formatted(decimals: decimals)
        } else {
            amount = win.amount.canonical
        }
        let name = dialect.wireName
        var fields = [
            WireField(name("userId"), win.userId),
            WireField(name("gameId"), win.gameId),
            WireField(name("roundId"), win.roundId),
            WireField(name("amount"), amount),
            WireField(name("reference"), win.reference),
            WireField(name("providerId"), dialect.providerId ?? providerId),
            WireField(name("timestamp"), win.timestamp),
            WireField(name("jackpotId"), win.jackpotId),
        ]
        if let platform = win.platform, !platform.isEmpty { fields.append(WireField(name("platform"), platform)) }
        if let token = win.token, !token.isEmpty { fields.append(WireField(name("token"), token)) }
        if let details = win.jackpotDetails { fields.append(WireField(name("jackpotDetails"), details)) }
        fields += win.extra
        fields += dialect.extraFields
        // Pairwise: a dozen short keys (at most some fifty: `extra` is capped)
        // compare faster than they hash into a set.
        for (position, field) in fields.enumerated()
        where field.key == "hash" || fields[..<position].contains(where: { $0.key == field.key }) {
            throw WinValidationError(field: field.key, reason: "would be sent twice (check fieldNames, extraFields and extra)")
        }

        let pairs = fields.map { (key: $0.key, value: $0.value) }
        let query = dialect.hash.includeQuery ? RequestHash.queryParameters(of: settings.url) : []
        let hashed = RequestHash.hashedFields(pairs, query: query, rules: dialect.hash)
        var hashInput = RequestHash.joinedBytes(hashed, reserving: settings.secret.utf8.count)
        hashInput.appendUTF8(settings.secret)
        let hash = MD5.hex(bytes: hashInput)
        let amountKey = name("amount")
        let tokenKey = name("token")
        let body = renderBody(fields: fields, hash: hash, encoding: settings.encoding, amountKey: amountKey, maskKey: nil)
        let contentType =
            switch settings.encoding {
            case .json: BodyEncoding.json.contentType + "; charset=utf-8"
            case .form: BodyEncoding.form.contentType
            }
        var headers = [
            HTTPHeader("Content-Type", contentType),
            HTTPHeader("Accept", "application/json"),
            HTTPHeader("User-Agent", userAgent),
        ]
        for header in settings.headers { headers.append(HTTPHeader(header.name, header.value)) }
        let http = HTTPRequestData(
            method: "POST",
            url: settings.url,
            headers: headers,
            body: body,
            transport: settings.transport
        )
        return WireRequest(
            fields: fields, hash: hash, hashedFields: hashed, maskedHashKeys: [tokenKey] + query.map(\.key),
            http: http, encoding: settings.encoding, amountKey: amountKey, tokenKey: tokenKey,
            secretHeaderNames: settings.headers.filter(\.isSecret).map(\.name)
        )
    }

    /// The headers as sent, secret header values replaced by `***` (for `show`).
    package func displayHeaders() -> [HTTPHeader] {
        http.headers.map { header in
            secretHeaderNames.contains(header.name) ? HTTPHeader(header.name, Self.tokenMask) : header
        }
    }

    /// The body as text (it is always UTF-8).
    package var bodyText: String { String(decoding: http.body, as: UTF8.self) }

    /// The operator URL with query values and any password masked, for logs.
    package var maskedURL: String { URLMasking.masked(http.url) }

    /// The body with the player token value replaced by `***` (for `show` and
    /// logs); the hash and every other byte are as sent.
    package func displayBody() -> String {
        String(
            decoding: Self.renderBody(fields: fields, hash: hash, encoding: encoding, amountKey: amountKey, maskKey: tokenKey),
            as: UTF8.self)
    }

    /// `canonicalString` with the player token and query parameter values
    /// replaced by `***` (an empty one stays empty, as hashed).
    package func displayCanonicalString() -> String {
        RequestHash.join(
            hashedFields.map { field in
                maskedHashKeys.contains(field.key) && !field.value.isEmpty ? WireField(field.key, Self.tokenMask) : field
            })
    }

    /// The exact hashed input as `show` prints it: secret and credentials replaced.
    package func displayHashedInput() -> String { displayCanonicalString() + "<secret>" }

    /// Writes the body by hand, as bytes, `hash` first, so its bytes never depend on a
    /// serializer's key order or number formatting. In JSON every value is a
    /// string except `amount`, which is a JSON number carrying the exact text
    /// that was hashed. `maskKey` (the token's wire name) writes `***` literally (not percent-encoded)
    /// in place of the token, so a displayed form body reads plainly.
    private static func renderBody(
        fields: [WireField], hash: String, encoding: BodyEncoding, amountKey: String, maskKey: String?
    ) -> [UInt8] {
        // Positions, not keys, are compared per field: each key is unique (checked in `build`).
        let amountIndex = fields.firstIndex { $0.key == amountKey }
        let maskIndex = maskKey.flatMap { key in fields.firstIndex { $0.key == key } }
        var output: [UInt8] = []
        output.reserveCapacity(fields.reduce(hash.utf8.count + 16) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        switch encoding {
        case .form:
            output += "hash=".utf8
            output.appendUTF8(FormEncoding.encodeComponent(hash))
            for (index, field) in fields.enumerated() {
                output.append(UInt8(ascii: "&"))
                output.appendUTF8(FormEncoding.encodeComponent(field.key))
                output.append(UInt8(ascii: "="))
                output.appendUTF8(index == maskIndex ? tokenMask : FormEncoding.encodeComponent(field.value))
            }
        case .json:
            output += "{\"hash\":".utf8
            JSONWriter.appendQuoted(hash, to: &output)
            for (index, field) in fields.enumerated() {
                output.append(UInt8(ascii: ","))
                JSONWriter.appendQuoted(field.key, to: &output)
                output.append(UInt8(ascii: ":"))
                if index == amountIndex {
                    output.appendUTF8(field.value)
                } else if index == maskIndex {
                    JSONWriter.appendQuoted(tokenMask, to: &output)
                } else {
                    JSONWriter.appendQuoted(field.value, to: &output)
                }
            }
            output.append(UInt8(ascii: "}"))
        }
        return output
    }
}
