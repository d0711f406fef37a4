<?php
// Verify the hash of a JackPotWin call from jackpotd (PHP 7.4+, no extensions).
//
// The hash covers each field's text exactly as sent. json_decode turns the
// amount 55.50 into the float 55.5 (and 0.00000001 into 1.0E-8), and
// JSON_BIGINT_AS_STRING only helps integers. So the JSON body is read with a
// small tokenizer that keeps each number's literal text; string values are
// still decoded by json_decode. Form bodies are split by hand too: $_POST and
// parse_str rename fields whose names hold dots or spaces.
//
// The rule (an operator without dialect settings): every field sent except
// `hash`, empty values dropped, sorted by key, joined as key=value with "&",
// the secret appended, MD5 in lowercase hex. An operator's dialect settings
// ("hash": fields, includeEmpty, includeQuery, encodeValues) change which
// fields are hashed and how; adapt jackpot_win_hashed_text() to match them.
//
// In a web request: jackpot_win_fields(file_get_contents('php://input'), $_SERVER['CONTENT_TYPE'] ?? '')
// Try it:  php verify_hash.php SECRET CONTENT-TYPE < body

/** The call's fields as text, from a JSON or a form-encoded body. */
function jackpot_win_fields(string $body, string $contentType): array
{
    $type = strtolower(trim(explode(';', $contentType)[0]));
    $pairs = $type === 'application/json' ? jackpot_win_json_pairs($body) : jackpot_win_form_pairs($body);
    $fields = [];
    foreach ($pairs as [$key, $value]) {
        if (array_key_exists($key, $fields)) {
            throw new UnexpectedValueException("field $key is sent twice");
        }
        $fields[$key] = $value;
    }
    return $fields;
}

/** The members of a flat JSON object: strings decoded, numbers as their literal text. */
function jackpot_win_json_pairs(string $body): array
{
    $member = '/\G\s*("(?:[^"\\\\]|\\\\.)*")\s*:\s*("(?:[^"\\\\]|\\\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*([,}])/';
    if (!preg_match('/\A\s*\{/', $body, $open)) {
        throw new UnexpectedValueException('the JSON body is not an object');
    }
    $offset = strlen($open[0]);
    $pairs = [];
    do {
        if (!preg_match($member, $body, $match, 0, $offset)) {
            throw new UnexpectedValueException('the JSON body is not one object of strings and numbers');
        }
        $offset += strlen($match[0]);
        $value = $match[2][0] === '"' ? json_decode($match[2]) : $match[2];
        $pairs[] = [(string) json_decode($match[1]), (string) $value];
    } while ($match[3] === ',');
    if (trim(substr($body, $offset)) !== '') {
        throw new UnexpectedValueException('text after the JSON object');
    }
    return $pairs;
}

function jackpot_win_form_pairs(string $body): array
{
    $pairs = [];
    foreach (explode('&', $body) as $pair) {
        [$key, $value] = array_pad(explode('=', $pair, 2), 2, '');
        $pairs[] = [urldecode($key), urldecode($value)]; // decodes + and %XX
    }
    return $pairs;
}

function jackpot_win_hashed_text(array $fields): string
{
    $hashed = [];
    foreach ($fields as $key => $value) {
        if ((string) $key !== 'hash' && $value !== '') {
            $hashed[] = [(string) $key, $value];
        }
    }
    usort($hashed, fn ($a, $b) => strcmp($a[0], $b[0])); // byte order, like the sender
    return implode('&', array_map(fn ($pair) => $pair[0] . '=' . $pair[1], $hashed));
}

function jackpot_win_hash_is_valid(array $fields, string $secret): bool
{
    return hash_equals(md5(jackpot_win_hashed_text($fields) . $secret), (string) ($fields['hash'] ?? ''));
}

if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    [, $secret, $contentType] = $argv;
    try {
        $valid = jackpot_win_hash_is_valid(jackpot_win_fields(file_get_contents('php://stdin'), $contentType), $secret);
        echo $valid ? "valid\n" : "invalid: hash mismatch\n";
    } catch (UnexpectedValueException $error) {
        $valid = false;
        echo 'invalid: ', $error->getMessage(), "\n";
    }
    exit($valid ? 0 : 1);
}
