import CCurl
import JackpotWire

/// One request waiting for the multi loop, as it crosses from the caller's task
/// to the loop's thread.
struct CurlJob: Sendable {
    let id: UInt64
    let request: HTTPRequestData
    let timeoutMilliseconds: Int
    let continuation: CheckedContinuation<HTTPExchangeResult, Never>
}

/// One request on one easy handle: the options it is sent with, the response
/// collected by curl's callbacks, and the result handed back to the caller.
///
/// Lives only on the multi loop's thread: curl calls the write and header
/// callbacks from `curl_multi_perform` there, and they reach this object through
/// an unretained `Unmanaged` pointer (the loop's table of active exchanges
/// keeps it alive for as long as curl may call back).
final class CurlExchange {
    let job: CurlJob
    let handle: CurlEasyHandle
    /// This request's own header list, when the shared lists were full.
    private var ownedHeaderList: UnsafeMutablePointer<curl_slist>?
    private var headers: [String: String] = [:]
    private var headBytes = 0
    private var headTooLarge = false
    private var body: [UInt8] = []
    private var bodyTruncated = false
    /// Times the request started to leave (`CURLOPT_PREREQFUNCTION`).
    private var timesSent = 0
    /// A further re-send was refused: the call ends as a connection error.
    private var resendRefused = false

    /// An endless header stream is as misbehaving as an endless body.
    static let headLimit = 64 * 1024

    /// How many times one call may send its request. libcurl sends it again,
    /// inside the same call, when a kept-alive connection it reused was closed
    /// before any answer, and tries the next pooled connection, up to five times.
    /// One re-send covers the classic case (an idle connection the operator
    /// timed out); more means the operator is dropping connections, which the
    /// retry back-off and the circuit breaker must see as failed attempts.
    static let maximumSends = 2

    init(job: CurlJob, handle: CurlEasyHandle) {
        self.job = job
        self.handle = handle
    }

    deinit {
        curl_slist_free_all(ownedHeaderList)
    }

    /// Sets every option for this request on the (freshly reset) handle; the
    /// failure when the request cannot be sent as asked.
    func configure(headerLists: CurlHeaderLists) -> TransportFailure? {
        let request = job.request
        let options = request.transport
        let easy = handle.raw
        var failed: CURLcode = CURLE_OK
        func check(_ code: CURLcode) {
            if code != CURLE_OK, failed == CURLE_OK { failed = code }
        }
        func set(_ option: CURLoption, _ value: Int) { check(jk_easy_setopt_long(easy, option, value)) }
        func set(_ option: CURLoption, _ value: String) { check(jk_easy_setopt_string(easy, option, value)) }

        handle.errorBuffer[0] = 0
        check(jk_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, handle.errorBuffer))
        // Signals would interrupt other threads' work; timeouts do not need them.
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_URL, request.url)
        // Only what the config allows; a redirect is never followed, so a 3xx is the answer.
        set(CURLOPT_PROTOCOLS_STR, options.allowInsecureHTTP ? "http,https" : "https")
        set(CURLOPT_FOLLOWLOCATION, 0)
        set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        set(CURLOPT_TIMEOUT_MS, job.timeoutMilliseconds)
        set(CURLOPT_CONNECTTIMEOUT_MS, job.timeoutMilliseconds)
        // TLS verification is never relaxed.
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = options.caFile { set(CURLOPT_CAINFO, caFile) }
        if let certificate = options.clientCertificateFile {
            set(CURLOPT_SSLCERT, certificate)
            set(CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let key = options.clientKeyFile {
            set(CURLOPT_SSLKEY, key)
            set(CURLOPT_SSLKEYTYPE, "PEM")
        }
        if let proxy = options.proxy {
            set(CURLOPT_PROXY, proxy)
            // CONNECT even for http:// targets: the proxy relays bytes and never sees
            // the path and query (where operators put their auth tokens).
            set(CURLOPT_HTTPPROXYTUNNEL, 1)
            set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        } else {
            // The empty string disables the environment's http_proxy/https_proxy:
            // an operator's egress route is its config, nothing else.
            set(CURLOPT_PROXY, "")
        }
        // No CURLOPT_ACCEPT_ENCODING: no compressed answers are asked for, so the
        // body cap counts the bytes as they arrive and a gzip bomb stays a small body.

        let (headerList, owned) = headerLists.list(for: request.headers)
        guard let headerList else { return .other("out of memory building the request headers") }
        if owned { ownedHeaderList = headerList }
        check(jk_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList))

        switch request.method {
        case "GET" where request.body.isEmpty:
            set(CURLOPT_HTTPGET, 1)
        default:
            if request.method != "POST" { set(CURLOPT_CUSTOMREQUEST, request.method) }
            // Curl keeps its own copy of the body, so a resend after a reset on a
            // reused connection carries the full, identical bytes.
            check(jk_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            request.body.withUnsafeBufferPointer { bytes in
                let empty: [CChar] = [0]
                if let base = bytes.baseAddress, !bytes.isEmpty {
                    check(jk_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base)))
                } else {
                    empty.withUnsafeBufferPointer { check(jk_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, $0.baseAddress)) }
                }
            }
        }

        let context = Unmanaged.passUnretained(self).toOpaque()
        check(
            jk_easy_setopt_write_function(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let exchange = Unmanaged<CurlExchange>.fromOpaque(context).takeUnretainedValue()
                return exchange.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            })
        check(jk_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        check(
            jk_easy_setopt_write_function(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let exchange = Unmanaged<CurlExchange>.fromOpaque(context).takeUnretainedValue()
                return exchange.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
            })
        check(jk_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
        check(
            jk_easy_setopt_prereq_function(easy) { context, _, _, _, _ in
                guard let context else { return CURL_PREREQFUNC_ABORT }
                return Unmanaged<CurlExchange>.fromOpaque(context).takeUnretainedValue().startsSending()
            })
        check(jk_easy_setopt_pointer(easy, CURLOPT_PREREQDATA, context))

        guard failed == CURLE_OK else {
            // E.g. CURLE_UNKNOWN_OPTION / CURLE_NOT_BUILT_IN: this libcurl cannot send it as configured.
            return .other("cannot set up the request: \(String(cString: curl_easy_strerror(failed))) (curl \(failed.rawValue))")
        }
        return nil
    }

    /// The request is about to leave, on a fresh or a reused connection: counted,
    /// and refused past `maximumSends`.
    private func startsSending() -> Int32 {
        guard timesSent < Self.maximumSends else {
            resendRefused = true
            return CURL_PREREQFUNC_ABORT
        }
        timesSent += 1
        return CURL_PREREQFUNC_OK
    }

    /// Keeps body bytes up to `HTTPResponseData.bodyLimit`; returning fewer bytes
    /// than given makes curl stop the transfer there (CURLE_WRITE_ERROR).
    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        let room = HTTPResponseData.bodyLimit - body.count
        guard bytes.count > room else {
            body.append(contentsOf: bytes)
            return bytes.count
        }
        body.append(contentsOf: bytes.prefix(room))
        bodyTruncated = true
        return room
    }

    /// One header line, CRLF included. A status line starts a new response (a
    /// 100 Continue, an informational answer), so only the final one's headers stay.
    /// Read as bytes: names are ASCII tokens, and a `String` per line, trimmed
    /// by `Character`, cost as much as the rest of the exchange.
    private func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        headBytes += bytes.count
        guard headBytes <= Self.headLimit else {
            headTooLarge = true
            return 0
        }
        if bytes.starts(with: "HTTP/".utf8) {
            // Room for a usual answer's headers at once, rather than growing per header.
            headers = Dictionary(minimumCapacity: 12)
            return bytes.count
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return bytes.count }
        let nameBytes = Self.trimmed(bytes[..<colon])
        let name = String(unsafeUninitializedCapacity: nameBytes.count) { buffer in
            for (offset, byte) in nameBytes.enumerated() { buffer[offset] = Self.lowercasedASCII(byte) }
            return nameBytes.count
        }
        let value = String(decoding: Self.trimmed(bytes[(colon + 1)...]), as: UTF8.self)
        guard !name.isEmpty else { return bytes.count }
        if let existing = headers[name] {
            headers[name] = existing + ", " + value
        } else {
            headers[name] = value
        }
        return bytes.count
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return bytes[bytes.startIndex..<bytes.startIndex]
        }
        return bytes[first...last]
    }

    private static func lowercasedASCII(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    /// What the caller gets once curl reported the transfer `code`.
    func result(_ code: CURLcode) -> HTTPExchangeResult {
        if code == CURLE_OK || (code == CURLE_WRITE_ERROR && bodyTruncated) {
            var status = 0
            _ = jk_easy_getinfo_long(handle.raw, CURLINFO_RESPONSE_CODE, &status)
            return .success(
                HTTPResponseData(
                    status: status, headers: headers, body: body, bodyTruncated: bodyTruncated, timesSent: max(1, timesSent)))
        }
        if headTooLarge {
            return .failure(.other("the response head exceeded \(Self.headLimit) bytes"))
        }
        if resendRefused {
            return .failure(
                .connection(
                    "kept-alive connections were closed without an answer; the request was sent \(timesSent) times and not again in this attempt"
                ))
        }
        let failure = CurlFailure.classify(code, detail: handle.errorText)
        return .failure(timesSent > 1 ? failure.adding("; the request was sent \(timesSent) times") : failure)
    }
}
