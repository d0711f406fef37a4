import CCurl

/// `curl_global_init` runs once per process, before the first handle is made
/// (it is not thread-safe, so it is not left to `curl_easy_init`'s lazy call).
enum CurlGlobal {
    /// Swift runs a global's initializer once, thread-safely, on first use.
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    /// Call before creating any curl handle; true when libcurl is usable.
    static func ensureInitialized() -> Bool { initialized }
}
