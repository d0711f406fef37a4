// Verify the hash of a JackPotWin call from jackpotd (Go 1.16+, standard library).
//
// The hash covers each field's text exactly as sent. Decoding the JSON body
// into float64 turns the amount 55.50 into 55.5 and 0.00000001 into 1e-08;
// Decoder.UseNumber keeps every number as a json.Number, its literal text.
//
// The rule (an operator without dialect settings): every field sent except
// `hash`, empty values dropped, sorted by key, joined as key=value with "&",
// the secret appended, MD5 in lowercase hex. An operator's dialect settings
// ("hash": fields, includeEmpty, includeQuery, encodeValues) change which
// fields are hashed and how; adapt HashedText to match them.
//
// Try it:  go run verify_hash.go SECRET CONTENT-TYPE < body
package main

import (
	"bytes"
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/url"
	"os"
	"sort"
	"strings"
)

// JackpotWinFields returns the call's fields as text, from a JSON or a form-encoded body.
func JackpotWinFields(body []byte, contentType string) (map[string]string, error) {
	mediaType, _, _ := mime.ParseMediaType(contentType)
	fields := map[string]string{}
	if mediaType == "application/json" {
		decoder := json.NewDecoder(bytes.NewReader(body))
		decoder.UseNumber()
		var members map[string]interface{}
		if err := decoder.Decode(&members); err != nil {
			return nil, err
		}
		if _, err := decoder.Token(); err != io.EOF {
			return nil, fmt.Errorf("text after the JSON object")
		}
		for key, value := range members {
			switch value := value.(type) {
			case string:
				fields[key] = value
			case json.Number:
				fields[key] = value.String() // the literal text, as hashed
			default:
				return nil, fmt.Errorf("field %s is neither a string nor a number", key)
			}
		}
		return fields, nil
	}
	values, err := url.ParseQuery(string(body)) // decodes + and %XX
	if err != nil {
		return nil, err
	}
	for key, list := range values {
		if len(list) != 1 {
			return nil, fmt.Errorf("field %s is sent twice", key)
		}
		fields[key] = list[0]
	}
	return fields, nil
}

// HashedText is the text whose MD5 (after the secret) is the hash.
func HashedText(fields map[string]string) string {
	keys := make([]string, 0, len(fields))
	for key, value := range fields {
		if key != "hash" && value != "" {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys) // byte order, like the sender
	pairs := make([]string, len(keys))
	for i, key := range keys {
		pairs[i] = key + "=" + fields[key]
	}
	return strings.Join(pairs, "&")
}

func HashIsValid(fields map[string]string, secret string) bool {
	sum := md5.Sum([]byte(HashedText(fields) + secret))
	expected := hex.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(expected), []byte(fields["hash"])) == 1
}

func main() {
	secret, contentType := os.Args[1], os.Args[2]
	body, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Println("invalid:", err)
		os.Exit(1)
	}
	fields, err := JackpotWinFields(body, contentType)
	if err != nil {
		fmt.Println("invalid:", err)
		os.Exit(1)
	}
	if !HashIsValid(fields, secret) {
		fmt.Println("invalid: hash mismatch")
		os.Exit(1)
	}
	fmt.Println("valid")
}
