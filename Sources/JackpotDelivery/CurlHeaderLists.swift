import CCurl
import JackpotWire

/// Request header lists in libcurl's form, built once per distinct set of
/// headers and shared by every request that sends it: an operator's requests
/// all carry the same few headers, and building the list per call (a string and
/// two allocations per header) was a visible share of each call.
///
/// Belongs to the multi loop's thread. A list stays alive until `drain()`, which
/// runs after every transfer has ended, so curl never reads a freed list.
final class CurlHeaderLists {
    private var lists: [[HTTPHeader]: UnsafeMutablePointer<curl_slist>] = [:]
    /// More distinct header sets than operators could ever have: past that a
    /// request's headers are not kept (it builds a list of its own).
    static let capacity = 64

    /// The list for `headers`: the shared one, or once the cache is full a new
    /// one that the caller frees (`owned`). A nil list: libcurl is out of memory.
    func list(for headers: [HTTPHeader]) -> (list: UnsafeMutablePointer<curl_slist>?, owned: Bool) {
        if let list = lists[headers] { return (list, false) }
        let list = Self.build(headers)
        guard let list, lists.count < Self.capacity else { return (list, true) }
        lists[headers] = list
        return (list, false)
    }

    /// A new list for `headers` plus `Expect:`; nil when libcurl is out of memory.
    /// "Expect:" stops curl from waiting for a 100 Continue on larger bodies.
    static func build(_ headers: [HTTPHeader]) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                return nil
            }
            list = appended
        }
        return list
    }

    func drain() {
        for list in lists.values { curl_slist_free_all(list) }
        lists.removeAll()
    }
}
