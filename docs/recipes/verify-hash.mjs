// Verify the hash of a JackPotWin call from jackpotd (Node.js 18+, no packages).
//
// The hash covers each field's text exactly as sent. JSON.parse turns the
// amount 0.00000001 into the number 1e-8 and 55.50 into 55.5, and no String()
// of those numbers gives back the text that was hashed. So the JSON body is
// read with a small tokenizer that keeps each number's literal text; string
// values are still decoded by JSON.parse.
//
// The rule (an operator without dialect settings): every field sent except
// `hash`, empty values dropped, sorted by key, joined as key=value with "&",
// the secret appended, MD5 in lowercase hex. An operator's dialect settings
// ("hash": fields, includeEmpty, includeQuery, encodeValues) change which
// fields are hashed and how; adapt hashedText() to match them.
//
// Try it:  node verify-hash.mjs SECRET CONTENT-TYPE < body
import { createHash, timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';

/** The call's fields as text (a Map), from a JSON or a form-encoded body (a string). */
export function jackpotWinFields(body, contentType) {
  const type = contentType.split(';')[0].trim().toLowerCase();
  const pairs = type === 'application/json' ? flatJsonPairs(body) : new URLSearchParams(body); // decodes + and %XX
  const fields = new Map();
  for (const [key, value] of pairs) {
    if (fields.has(key)) throw new Error(`field ${key} is sent twice`);
    fields.set(key, value);
  }
  return fields;
}

/** The members of a flat JSON object: strings decoded, numbers as their literal text. */
function flatJsonPairs(text) {
  const member = /\s*("(?:[^"\\]|\\.)*")\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*([,}])/y;
  const open = /^\s*\{/.exec(text);
  if (!open) throw new Error('the JSON body is not an object');
  member.lastIndex = open[0].length;
  const pairs = [];
  for (let match; ; ) {
    match = member.exec(text);
    if (!match) throw new Error('the JSON body is not one object of strings and numbers');
    pairs.push([JSON.parse(match[1]), match[2].startsWith('"') ? JSON.parse(match[2]) : match[2]]);
    if (match[3] === '}') break;
  }
  if (text.slice(member.lastIndex).trim() !== '') throw new Error('text after the JSON object');
  return pairs;
}

export function hashedText(fields) {
  return [...fields.keys()]
    .filter((key) => key !== 'hash' && fields.get(key) !== '')
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))) // byte order, like the sender
    .map((key) => `${key}=${fields.get(key)}`)
    .join('&');
}

export function hashIsValid(fields, secret) {
  const expected = Buffer.from(createHash('md5').update(hashedText(fields) + secret, 'utf8').digest('hex'));
  const received = Buffer.from(fields.get('hash') ?? '', 'utf8');
  return expected.length === received.length && timingSafeEqual(expected, received);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [secret, contentType] = process.argv.slice(2);
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  let valid = false;
  try {
    valid = hashIsValid(jackpotWinFields(Buffer.concat(chunks).toString('utf8'), contentType), secret);
    console.log(valid ? 'valid' : 'invalid: hash mismatch');
  } catch (error) {
    console.log(`invalid: ${error.message}`);
  }
  process.exitCode = valid ? 0 : 1;
}
