// Push mode measures delivery lag from the server's own send time, carried as a JSON field
// "ts" (epoch ms). Pushed messages can arrive by the ten thousand per second, so the field is
// found by a byte scan instead of JSON.parse: no string decoding, no object per message.
//
// Rule: the message must look like a JSON object (first non-blank byte `{`), and the first
// `"ts"` key in it (not preceded by a backslash, so not inside an escaped string) must be
// followed by `:` and a number. Values outside [1e11, 1e14) are not epoch milliseconds
// (seconds, microseconds, counters) and are ignored rather than turned into absurd lags.

const KEY = Buffer.from('"ts"', 'latin1');
const MIN_EPOCH_MS = 1e11;
const MAX_EPOCH_MS = 1e14;
/** Enough for any double written in decimal or exponent form. */
const MAX_NUMBER_CHARS = 32;

/** The "ts" field of a pushed message in epoch ms, or -1 when there is none. */
export function readPushTimestamp(data: Buffer): number {
  let i = skipBlanks(data, 0);
  if (data[i] !== 0x7b /* { */) return -1;
  let at = data.indexOf(KEY, i);
  while (at > 0 && data[at - 1] === 0x5c /* \ */) at = data.indexOf(KEY, at + KEY.length);
  if (at < 0) return -1;
  i = skipBlanks(data, at + KEY.length);
  if (data[i] !== 0x3a /* : */) return -1;
  const start = skipBlanks(data, i + 1);
  let end = start;
  const limit = Math.min(data.length, start + MAX_NUMBER_CHARS);
  while (end < limit && isNumberByte(data[end])) end++;
  if (end === start) return -1;
  const value = Number(data.toString('latin1', start, end));
  return value >= MIN_EPOCH_MS && value < MAX_EPOCH_MS ? value : -1;
}

function skipBlanks(data: Buffer, from: number): number {
  let i = from;
  while (i < data.length) {
    const c = data[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

function isNumberByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45;
}

/**
 * The same rule for a message that arrives as text (a Server-Sent Event's data, decoded by the
 * event-stream parser): the first `"ts"` key of a JSON-looking message, epoch ms in [1e11, 1e14).
 */
export function readPushTimestampText(data: string): number {
  let i = skipBlankChars(data, 0);
  if (data.charCodeAt(i) !== 0x7b /* { */) return -1;
  let at = data.indexOf('"ts"', i);
  while (at > 0 && data.charCodeAt(at - 1) === 0x5c /* \ */) at = data.indexOf('"ts"', at + 4);
  if (at < 0) return -1;
  i = skipBlankChars(data, at + 4);
  if (data.charCodeAt(i) !== 0x3a /* : */) return -1;
  const start = skipBlankChars(data, i + 1);
  let end = start;
  const limit = Math.min(data.length, start + MAX_NUMBER_CHARS);
  while (end < limit && isNumberByte(data.charCodeAt(end))) end++;
  if (end === start) return -1;
  const value = Number(data.slice(start, end));
  return value >= MIN_EPOCH_MS && value < MAX_EPOCH_MS ? value : -1;
}

function skipBlankChars(data: string, from: number): number {
  let i = from;
  while (i < data.length) {
    const c = data.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}
