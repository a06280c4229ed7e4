// The message template of a WebSocket scenario, compiled once into parts so that rendering a
// message is a short loop of string concatenations, and reading the sequence id back out of
// an echo is a byte search plus a digit scan (no JSON parsing, no string decoding).
//
// Placeholders:
//   {{seq}}       integer sequence id of the message on its connection (1, 2, 3, …)
//   {{ts}}        epoch milliseconds at send, 3 decimals (the driver's own latency does not
//                 depend on it: it is for servers that want to compute a one-way time)
//   {{conn}}      the connection's index
//   {{random:N}}  N random alphanumeric characters, different per message: a window at a
//                 random offset into one pool of random characters per template. That costs
//                 no memory per connection (a per-connection string of N characters would, for
//                 10,000 connections) and almost no CPU per message, while keeping consecutive
//                 payloads different, so a server cannot serve them from a cache.
// Anything else between double braces is sent as written.

import { randomBytes } from 'node:crypto';

/** Part kinds; plain numbers because enums are not erasable syntax. */
const LITERAL = 0;
const SEQ = 1;
const TS = 2;
const CONN = 3;
const RANDOM = 4;
type PartKind = typeof LITERAL | typeof SEQ | typeof TS | typeof CONN | typeof RANDOM;

interface Part {
  kind: PartKind;
  /** Literal text (LITERAL) */
  text: string;
  /** Length (RANDOM) */
  n: number;
}

/** Distinct windows of the random pool: enough variety that no two nearby messages repeat. */
const RANDOM_WINDOWS = 4096;
/** A typo such as {{random:999999999}} must not allocate a gigabyte. */
const MAX_RANDOM = 10 * 1024 * 1024;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PLACEHOLDER = /\{\{(seq|ts|conn|random:(\d+))\}\}/g;

export interface CompiledTemplate {
  /** Whether the template carries {{seq}}, i.e. whether echoes can be matched. */
  readonly hasSeq: boolean;
  render(seq: number, conn: number, tsMs: number): string;
  /** The sequence id carried by an echo of a rendered message; -1 when it cannot be read. */
  readSeq(data: Buffer): number;
}

export function compileTemplate(template: string): CompiledTemplate {
  const parts: Part[] = [];
  let maxRandom = 0;
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const at = match.index;
    if (at > last) parts.push({ kind: LITERAL, text: template.slice(last, at), n: 0 });
    const name = match[1];
    if (name === 'seq') parts.push({ kind: SEQ, text: '', n: 0 });
    else if (name === 'ts') parts.push({ kind: TS, text: '', n: 0 });
    else if (name === 'conn') parts.push({ kind: CONN, text: '', n: 0 });
    else {
      const n = Math.min(Number(match[2]), MAX_RANDOM);
      if (n > 0) parts.push({ kind: RANDOM, text: '', n });
      maxRandom = Math.max(maxRandom, n);
    }
    last = at + match[0].length;
  }
  if (last < template.length) parts.push({ kind: LITERAL, text: template.slice(last), n: 0 });

  const pool = maxRandom > 0 ? randomAlphanumeric(maxRandom + RANDOM_WINDOWS) : '';
  const seqReader = buildSeqReader(parts);

  return {
    hasSeq: seqReader !== null,
    render(seq: number, conn: number, tsMs: number): string {
      let out = '';
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        switch (p.kind) {
          case LITERAL:
            out += p.text;
            break;
          case SEQ:
            out += seq;
            break;
          case TS:
            out += tsMs.toFixed(3);
            break;
          case CONN:
            out += conn;
            break;
          case RANDOM: {
            const offset = (Math.random() * RANDOM_WINDOWS) | 0;
            out += pool.slice(offset, offset + p.n);
            break;
          }
        }
      }
      return out;
    },
    readSeq: seqReader ?? (() => -1),
  };
}

/**
 * The echo is matched by the literal text right before the first {{seq}} (the marker): find it,
 * read the digits after it. When the same marker text also occurs earlier in the template
 * (e.g. `a{{conn}}a{{seq}}`), the reader skips to the same occurrence the template has.
 * Placeholder output is digits, dots and letters only, so a marker with any other character
 * (like `"seq":`) can never be faked by it; a purely alphanumeric marker could be.
 */
function buildSeqReader(parts: Part[]): ((data: Buffer) => number) | null {
  const seqAt = parts.findIndex((p) => p.kind === SEQ);
  if (seqAt < 0) return null;
  const before = seqAt > 0 ? parts[seqAt - 1] : undefined;
  if (before === undefined) return readDigitsAt0;
  if (before.kind !== LITERAL) {
    // Two placeholders back to back: there is nothing to tell where the first one ends.
    throw new Error('message template: {{seq}} must start the message or follow literal text (e.g. "seq":{{seq}})');
  }
  const markerText = before.text;
  // Count the marker's occurrences in the template up to {{seq}}, other placeholders blanked.
  const skeleton = parts
    .slice(0, seqAt)
    .map((p) => (p.kind === LITERAL ? p.text : '\u0000'))
    .join('');
  let occurrence = 0;
  for (let i = skeleton.indexOf(markerText); i >= 0; i = skeleton.indexOf(markerText, i + markerText.length)) {
    occurrence++;
  }
  const marker = Buffer.from(markerText, 'utf8');
  // With only literal text before {{seq}} (the default template), an echo sent back as it was
  // has the marker at a fixed offset: check there first, and search only when it is not.
  const fixedAt = occurrence === 1 && parts.slice(0, seqAt).every((p) => p.kind === LITERAL) ? Buffer.byteLength(skeleton) - marker.length : -1;
  return (data: Buffer): number => {
    if (fixedAt >= 0 && data.length > fixedAt + marker.length && data.compare(marker, 0, marker.length, fixedAt, fixedAt + marker.length) === 0) {
      return readDigits(data, fixedAt + marker.length);
    }
    let from = 0;
    for (let k = 0; k < occurrence; k++) {
      const at = data.indexOf(marker, from);
      if (at < 0) return -1;
      from = at + marker.length;
    }
    return readDigits(data, from);
  };
}

function readDigitsAt0(data: Buffer): number {
  return readDigits(data, 0);
}

/** Up to 15 decimal digits (always an exact integer in a double); -1 when there is none. */
function readDigits(data: Buffer, from: number): number {
  let value = 0;
  let i = from;
  const end = Math.min(data.length, from + 15);
  for (; i < end; i++) {
    const c = data[i];
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  return i === from ? -1 : value;
}

function randomAlphanumeric(n: number): string {
  // Bytes first, one string at the end: a large pool stays a flat one-byte string.
  const bytes = randomBytes(n);
  for (let i = 0; i < n; i++) bytes[i] = ALPHANUMERIC.charCodeAt(bytes[i] % ALPHANUMERIC.length);
  return bytes.toString('latin1');
}
