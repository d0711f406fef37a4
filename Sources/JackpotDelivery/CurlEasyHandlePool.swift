import CCurl

/// One libcurl easy handle with its error buffer. Belongs to the multi loop's
/// thread, like everything curl hands out: easy handles are not thread-safe.
final class CurlEasyHandle {
    /// `CURL` is a `void` typedef, so the handle imports as a raw pointer.
    let raw: UnsafeMutableRawPointer
    /// Where curl writes a readable reason for a failed transfer (CURLOPT_ERRORBUFFER).
    let errorBuffer: UnsafeMutablePointer<CChar>
    static let errorBufferSize = Int(CURL_ERROR_SIZE)

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Self.errorBufferSize)
        errorBuffer.initialize(repeating: 0, count: Self.errorBufferSize)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Curl's text for the last failure, trimmed; empty when it wrote none.
    var errorText: String {
        var text = String(cString: errorBuffer)
        while text.last?.isNewline == true || text.last == " " { text.removeLast() }
        return text
    }
}

/// Easy handles kept for reuse: `curl_easy_reset` clears a handle's options but
/// keeps its allocations (and its DNS and TLS session caches), which is cheaper
/// than a fresh `curl_easy_init` per call. Connections live in the multi handle's
/// pool, so they are reused whichever easy handle runs the next request.
final class CurlEasyHandlePool {
    private var idle: [CurlEasyHandle] = []
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// A handle with every option at its default; nil if libcurl is out of memory.
    func take() -> CurlEasyHandle? {
        idle.popLast() ?? CurlEasyHandle()
    }

    /// Back to the pool, options reset; dropped (cleaned up) once the pool is full.
    func giveBack(_ handle: CurlEasyHandle) {
        curl_easy_reset(handle.raw)
        if idle.count < capacity { idle.append(handle) }
    }

    /// Cleans up every idle handle.
    func drain() {
        idle.removeAll()
    }
}
