/// A secret that ends in whitespace or holds a line break, after the one final
/// newline of a secret file is dropped: almost always a blank line or a stray
/// space left by an editor or `echo`. Kept as read (an operator's secret could
/// in principle contain it), but every request hash would be wrong otherwise,
/// so `check` and the daemon's log say so.
enum SecretWhitespace {
    static func warning(_ secret: String, source: String) -> String? {
        let whitespace: Set<Unicode.Scalar> = [" ", "\t", "\r", "\n"]
        if let last = secret.unicodeScalars.last, whitespace.contains(last) {
            let what = last == "\n" || last == "\r" ? "a blank line" : "whitespace"
            return "\(source) ends in \(what) (after its one final newline): the secret then ends with it and every "
                + "request hash is wrong unless the operator's secret does too; write it without: printf '%s' 'SECRET' > FILE"
        }
        if secret.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            return "\(source) holds more than one line: the whole text, line breaks included, is the secret; "
                + "every request hash is wrong unless the operator's secret is the same"
        }
        return nil
    }
}
