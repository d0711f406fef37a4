// Verify the hash of a JackPotWin call from jackpotd (Java 11+, no libraries).
//
// The hash covers each field's text exactly as sent. A JSON library that reads
// the amount as a double turns 55.50 into 55.5, and even BigDecimal prints
// 0.00000001 as 1E-8. So the JSON body is read with a small tokenizer that
// keeps each number's literal text.
//
// The rule (an operator without dialect settings): every field sent except
// `hash`, empty values dropped, sorted by key, joined as key=value with "&",
// the secret appended, MD5 in lowercase hex. An operator's dialect settings
// ("hash": fields, includeEmpty, includeQuery, encodeValues) change which
// fields are hashed and how; adapt hashedText() to match them.
//
// Try it:  java VerifyHash.java SECRET CONTENT-TYPE < body
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class VerifyHash {
    /** The call's fields as text, from a JSON or a form-encoded body. */
    public static Map<String, String> jackpotWinFields(String body, String contentType) {
        String type = contentType.split(";")[0].trim().toLowerCase();
        return type.equals("application/json") ? new FlatJson(body).fields() : formFields(body);
    }

    static Map<String, String> formFields(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            String key = URLDecoder.decode(parts[0], StandardCharsets.UTF_8); // decodes + and %XX
            String value = parts.length == 2 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
            if (fields.put(key, value) != null) throw new IllegalArgumentException("field " + key + " is sent twice");
        }
        return fields;
    }

    /** A flat JSON object: strings decoded, numbers kept as their literal text. */
    static final class FlatJson {
        private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");
        private final String text;
        private int at;

        FlatJson(String text) { this.text = text; }

        Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            expect('{');
            while (true) {
                String key = string();
                expect(':');
                skipSpace();
                String value = peek() == '"' ? string() : number();
                if (fields.put(key, value) != null) throw new IllegalArgumentException("field " + key + " is sent twice");
                skipSpace();
                char separator = peek();
                at++;
                if (separator == '}') break;
                if (separator != ',') fail("',' or '}'", at - 1);
            }
            if (!text.substring(at).isBlank()) throw new IllegalArgumentException("text after the JSON object");
            return fields;
        }

        private String number() {
            Matcher matcher = NUMBER.matcher(text).region(at, text.length());
            if (!matcher.lookingAt()) fail("a string or a number", at);
            at = matcher.end();
            return matcher.group();
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            for (char c = text.charAt(at++); c != '"'; c = text.charAt(at++)) {
                if (c != '\\') { out.append(c); continue; }
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case 'b': out.append('\b'); break;
                    case 'f': out.append('\f'); break;
                    case 'n': out.append('\n'); break;
                    case 'r': out.append('\r'); break;
                    case 't': out.append('\t'); break;
                    case 'u': out.append((char) Integer.parseInt(text.substring(at, at + 4), 16)); at += 4; break;
                    default: out.append(escaped); // \" \\ \/
                }
            }
            return out.toString();
        }

        private void expect(char wanted) {
            skipSpace();
            if (at >= text.length() || text.charAt(at) != wanted) fail("'" + wanted + "'", at);
            at++;
        }

        private char peek() { return at < text.length() ? text.charAt(at) : '\0'; }

        private void skipSpace() { while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) at++; }

        private void fail(String wanted, int position) {
            throw new IllegalArgumentException("the JSON body needs " + wanted + " at offset " + position);
        }
    }

    public static String hashedText(Map<String, String> fields) {
        StringJoiner joined = new StringJoiner("&");
        // TreeMap orders by UTF-16 units: the sender's byte order for the ASCII keys of the call.
        new TreeMap<>(fields).forEach((key, value) -> {
            if (!key.equals("hash") && !value.isEmpty()) joined.add(key + "=" + value);
        });
        return joined.toString();
    }

    public static boolean hashIsValid(Map<String, String> fields, String secret) throws Exception {
        byte[] digest = MessageDigest.getInstance("MD5").digest((hashedText(fields) + secret).getBytes(StandardCharsets.UTF_8));
        StringBuilder expected = new StringBuilder();
        for (byte b : digest) expected.append(String.format("%02x", b));
        byte[] received = fields.getOrDefault("hash", "").getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected.toString().getBytes(StandardCharsets.UTF_8), received);
    }

    public static void main(String[] arguments) throws Exception {
        String body = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        boolean valid = false;
        try {
            valid = hashIsValid(jackpotWinFields(body, arguments[1]), arguments[0]);
            System.out.println(valid ? "valid" : "invalid: hash mismatch");
        } catch (IllegalArgumentException | IndexOutOfBoundsException error) {
            System.out.println("invalid: " + error.getMessage());
        }
        System.exit(valid ? 0 : 1);
    }
}
