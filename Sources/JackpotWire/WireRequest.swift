/// One field of the JackPotWin call, as text exactly as it is hashed.
package struct WireField: Sendable, Hashable {
    package let key: String
    package let value: String

    package init(_ key: String, _ value: String) {
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
    /// The fields sent, in body order, without `hash`. Absent optional fields
    /// (`platform`, `token`) are not listed: they are neither sent nor hashed.
    package let fields: [WireField]
    package let hash: String
    /// The hashed text without the secret (`RequestHash.canonicalString`). It
    /// contains the player token when one is sent; use `displayCanonicalString()`
    /// for logs and `show`.
    package let canonicalString: String
    /// POST to the operator's URL (query string kept), headers, body bytes.
    package let http: HTTPRequestData
    package let encoding: BodyEncoding

    /// What replaces the player token wherever a request is displayed.
    package static let tokenMask = "***"

    package static let userAgent = "jackpotd/1"

    /// Throws only when the operator's `amountDecimals` is too few for the
    /// amount: rounding money is never our call.
    package static func build(win: JackpotWin, providerId: String, settings: WireSettings) throws(AmountError) -> WireRequest {
        let amount: String
        if let decimals = settings.amountDecimals {
            amount = try win.amount.formatted(decimals: decimals)
        } else {
            amount = win.amount.canonical
        }
        var fields = [
            WireField("userId", win.userId),
            WireField("gameId", win.gameId),
            WireField("roundId", win.roundId),
            WireField("amount", amount),
            WireField("reference", win.reference),
            WireField("providerId", providerId),
            WireField("timestamp", win.timestamp),
            WireField("jackpotId", win.jackpotId),
        ]
        if let platform = win.platform, !platform.isEmpty { fields.append(WireField("platform", platform)) }
        if let token = win.token, !token.isEmpty { fields.append(WireField("token", token)) }

        let pairs = fields.map { (key: $0.key, value: $0.value) }
        let hash = RequestHash.compute(pairs, secret: settings.secret)
        let body = renderBody(fields: fields, hash: hash, encoding: settings.encoding, maskToken: false)
        let contentType = switch settings.encoding {
        case .json: BodyEncoding.json.contentType + "; charset=utf-8"
        case .form: BodyEncoding.form.contentType
        }
        let http = HTTPRequestData(
            method: "POST",
            url: settings.url,
            headers: [
                HTTPHeader("Content-Type", contentType),
                HTTPHeader("Accept", "application/json"),
                HTTPHeader("User-Agent", userAgent),
            ],
            body: Array(body.utf8),
            transport: settings.transport
        )
        return WireRequest(
            fields: fields, hash: hash, canonicalString: RequestHash.canonicalString(pairs), http: http,
            encoding: settings.encoding
        )
    }

    /// The body as text (it is always UTF-8).
    package var bodyText: String { String(decoding: http.body, as: UTF8.self) }

    /// The operator URL with query values and any password masked, for logs.
    package var maskedURL: String { URLMasking.masked(http.url) }

    /// The body with the player token value replaced by `***` (for `show` and
    /// logs); the hash and every other byte are as sent.
    package func displayBody() -> String {
        Self.renderBody(fields: fields, hash: hash, encoding: encoding, maskToken: true)
    }

    /// `canonicalString` with the player token value replaced by `***`.
    package func displayCanonicalString() -> String {
        RequestHash.canonicalString(fields.map { (key: $0.key, value: $0.key == "token" ? Self.tokenMask : $0.value) })
    }

    /// Writes the body by hand, `hash` first, so its bytes never depend on a
    /// serializer's key order or number formatting. In JSON every value is a
    /// string except `amount`, which is a JSON number carrying the exact text
    /// that was hashed. `maskToken` writes `***` literally (not percent-encoded)
    /// in place of the token, so a displayed form body reads plainly.
    private static func renderBody(fields: [WireField], hash: String, encoding: BodyEncoding, maskToken: Bool) -> String {
        let all = [WireField("hash", hash)] + fields
        switch encoding {
        case .form:
            return all.map { field in
                let value = maskToken && field.key == "token" ? tokenMask : FormEncoding.encodeComponent(field.value)
                return FormEncoding.encodeComponent(field.key) + "=" + value
            }.joined(separator: "&")
        case .json:
            var output = "{"
            for (position, field) in all.enumerated() {
                if position > 0 { output += "," }
                JSONWriter.appendQuoted(field.key, to: &output)
                output += ":"
                if field.key == "amount" {
                    output += field.value
                } else if maskToken && field.key == "token" {
                    JSONWriter.appendQuoted(tokenMask, to: &output)
                } else {
                    JSONWriter.appendQuoted(field.value, to: &output)
                }
            }
            output += "}"
            return output
        }
    }
}
