"""Verify the hash of a JackPotWin call from jackpotd (Python 3, standard library).

The hash covers each field's text exactly as sent. Plain json.loads turns the
amount 55.50 into the float 55.5 and 0.00000001 into 1e-08, which hash
differently; parse_float=str and parse_int=str keep every number's literal text.

The rule (an operator without dialect settings): every field sent except
`hash`, empty values dropped, sorted by key, joined as key=value with "&", the
secret appended, MD5 in lowercase hex. An operator's dialect settings ("hash":
fields, includeEmpty, includeQuery, encodeValues) change which fields are
hashed and how; adapt hashed_text() to match them.

Try it:  python3 verify_hash.py SECRET CONTENT-TYPE < body
"""
import hashlib
import hmac
import json
import sys
from urllib.parse import parse_qsl


def jackpot_win_fields(body: bytes, content_type: str) -> dict:
    """The call's fields as text, from a JSON or a form-encoded body."""
    text = body.decode("utf-8")
    if content_type.split(";")[0].strip().lower() == "application/json":
        fields = json.loads(text, parse_float=str, parse_int=str, object_pairs_hook=_unique)
        if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
            raise ValueError("the JSON body is not one object of strings and numbers")
        return fields
    # parse_qsl decodes "+" and %XX; values stay text.
    return _unique(parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict"))


def _unique(pairs):
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise ValueError("a field is sent twice")
    return fields


def hashed_text(fields: dict) -> str:
    return "&".join(f"{key}={value}" for key, value in sorted(fields.items()) if key != "hash" and value != "")


def hash_is_valid(fields: dict, secret: str) -> bool:
    expected = hashlib.md5((hashed_text(fields) + secret).encode("utf-8")).hexdigest()
    return hmac.compare_digest(expected.encode(), fields.get("hash", "").encode("utf-8"))


if __name__ == "__main__":
    secret, content_type = sys.argv[1], sys.argv[2]
    try:
        valid = hash_is_valid(jackpot_win_fields(sys.stdin.buffer.read(), content_type), secret)
    except ValueError as error:  # also UnicodeDecodeError and json.JSONDecodeError
        print(f"invalid: {error}")
        sys.exit(1)
    print("valid" if valid else "invalid: hash mismatch")
    sys.exit(0 if valid else 1)
