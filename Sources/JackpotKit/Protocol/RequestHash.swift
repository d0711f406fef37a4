/// The wallet API's request hash: every field sent except `hash`, empty values
/// dropped, sorted by key, joined as `key=value` with `&`, the operator's
/// secret appended, MD5 as lowercase hex. Values are the exact text sent,
/// before any form encoding.
public enum RequestHash {
    /// The text that is hashed, without the secret — safe to show in `show`.
    public static func canonicalString(_ fields: [(key: String, value: String)]) -> String {
        fields
            .filter { $0.key != "hash" && !$0.value.isEmpty }
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { "\($0.key)=\($0.value)" }
            .joined(separator: "&")
    }

    public static func compute(_ fields: [(key: String, value: String)], secret: String) -> String {
        MD5.hex(canonicalString(fields) + secret)
    }
}
