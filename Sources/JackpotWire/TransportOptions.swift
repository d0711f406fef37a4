/// How one request reaches its operator, beyond the URL: which schemes are
/// allowed, the TLS material, an egress proxy. Carried on every
/// `HTTPRequestData`, so the transport needs no lookup by operator name and a
/// config reload applies to the next request built.
package struct TransportOptions: Sendable, Hashable {
    /// Permits `http://` (meant for loopback tests); otherwise only `https://` is spoken.
    package var allowInsecureHTTP: Bool
    /// PEM client certificate for mutual TLS; always set together with `clientKeyFile`.
    package var clientCertificateFile: String?
    /// PEM private key of `clientCertificateFile` (unencrypted).
    package var clientKeyFile: String?
    /// PEM bundle of the CAs trusted for this operator, instead of the system store.
    package var caFile: String?
    /// `http://` or `https://` egress proxy URL, tunnelled through with CONNECT;
    /// may carry credentials (`http://user:password@proxy:3128`), so it is only
    /// ever displayed through `URLMasking.masked`.
    package var proxy: String?

    package init(
        allowInsecureHTTP: Bool = false, clientCertificateFile: String? = nil, clientKeyFile: String? = nil,
        caFile: String? = nil, proxy: String? = nil
    ) {
        self.allowInsecureHTTP = allowInsecureHTTP
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.caFile = caFile
        self.proxy = proxy
    }
}
