/// What one operator's wallet needs to receive a win: where, how encoded, and
/// the secret its hash is keyed with. The configuration module builds it from
/// an operator's config, so the wire format never depends on how that config
/// is read.
package struct WireSettings: Sendable, Hashable {
    /// The full URL, including any query string such as `?authToken=…`.
    package var url: String
    package var secret: String
    package var encoding: BodyEncoding
    /// When set, amounts are sent with exactly this many decimals.
    package var amountDecimals: Int?
    /// How this operator's wallet checks the hash, and how it spells and limits
    /// fields. The defaults are the contract in docs/operators.md.
    package var dialect: WireDialect
    /// Schemes, TLS material and proxy the request travels with.
    package var transport: TransportOptions
    /// Static headers sent after jackpotd's own (`headers` in the config).
    package var headers: [StaticHeader]

    package init(
        url: String, secret: String, encoding: BodyEncoding = .json, amountDecimals: Int? = nil,
        dialect: WireDialect = WireDialect(), transport: TransportOptions = TransportOptions(),
        headers: [StaticHeader] = []
    ) {
        self.url = url
        self.secret = secret
        self.encoding = encoding
        self.amountDecimals = amountDecimals
        self.dialect = dialect
        self.transport = transport
        self.headers = headers
    }
}
