// The message template of a WebSocket scenario, compiled once into parts so that rendering a
// message writes its bytes straight into one Buffer (no string building, no UTF-8 encoding per
// message), and reading the sequence id back out of an echo is a byte comparison plus a digit
// scan (no JSON parsing, no string decoding).
//
// Why bytes: a string handed to ws is measured (Buffer.byteLength), encoded (Buffer.from), then
// masked in place and written as two buffers (header + payload: a writev). A Buffer is copied
// once by ws while masking, into the frame's own buffer, and written as one. Measured on the
// default template: rendering to bytes ≈ half the CPU of rendering the string (see
// docs/PERFORMANCE.md, "WebSocket echo").
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

/** A part as bytes: literal text pre-encoded as UTF-8. */
interface BytePart {
  kind: PartKind;
  bytes: Uint8Array;
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
  /** The same message as `render`, as UTF-8 bytes in a new Buffer. */
  renderBytes(seq: number, conn: number, tsMs: number): Buffer;
  /**
   * A renderer of its own that writes every message into ONE Buffer and returns that Buffer,
   * valid only until its next call (what the swarm sends: see scratchRenderer below).
   */
  scratchRenderer(): (seq: number, conn: number, tsMs: number) => Buffer;
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
  const poolBytes = Buffer.from(pool, 'latin1');
  const seqReader = buildSeqReader(parts);
  const byteParts: BytePart[] = parts.map((p) => ({ kind: p.kind, bytes: p.kind === LITERAL ? Buffer.from(p.text, 'utf8') : EMPTY, n: p.n }));
  let fixedBytes = 0;
  for (const p of byteParts) fixedBytes += p.kind === LITERAL ? p.bytes.length : p.kind === RANDOM ? p.n : 0;

  const render = (seq: number, conn: number, tsMs: number): string => {
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
  };

  // The parts whose bytes change from message to message, and how many of each kind there are
  // (a message's length depends only on the digit counts of its seq, ts and conn).
  const variable: number[] = [];
  let seqParts = 0;
  let tsParts = 0;
  let connParts = 0;
  for (let i = 0; i < byteParts.length; i++) {
    const kind = byteParts[i].kind;
    if (kind !== LITERAL) variable.push(i);
    if (kind === SEQ) seqParts++;
    else if (kind === TS) tsParts++;
    else if (kind === CONN) connParts++;
  }

  /** Writes part `p` (not a literal) at `at`; returns the offset after it. */
  const writeVariable = (out: Buffer, at: number, p: BytePart, seq: number, conn: number, tsInt: number, frac: number): number => {
    switch (p.kind) {
      case SEQ:
        return writeDigits(out, at, seq);
      case TS:
        at = writeDigits(out, at, tsInt);
        out[at] = 46; // '.'
        out[at + 1] = 48 + ((frac / 100) | 0);
        out[at + 2] = 48 + (((frac / 10) | 0) % 10);
        out[at + 3] = 48 + (frac % 10);
        return at + 4;
      case CONN:
        return writeDigits(out, at, conn);
      default: {
        // RANDOM. A native copy of the window: ≈ 20 ns for 32 bytes, a JavaScript loop ≈ 50.
        const offset = (Math.random() * RANDOM_WINDOWS) | 0;
        return at + poolBytes.copy(out, at, offset, offset + p.n);
      }
    }
  };

  /** Writes the whole message into `out` (exactly its length); notes each part's offset in `offsets`. */
  const writeAll = (out: Buffer, offsets: Int32Array | null, seq: number, conn: number, tsInt: number, frac: number): void => {
    let at = 0;
    for (let i = 0; i < byteParts.length; i++) {
      const p = byteParts[i];
      if (offsets !== null) offsets[i] = at;
      if (p.kind === LITERAL) {
        // A native copy: a JavaScript byte loop costs ≈ 2 ns a byte here, the copy ≈ 10 ns.
        out.set(p.bytes, at);
        at += p.bytes.length;
      } else {
        at = writeVariable(out, at, p, seq, conn, tsInt, frac);
      }
    }
  };

  /** Whether the byte path formats these values exactly as `render` does (whole numbers ≥ 0). */
  const byteable = (seq: number, conn: number, tsUs: number): boolean =>
    seq >= 0 && seq <= MAX_EXACT && seq % 1 === 0 && conn >= 0 && conn <= MAX_EXACT && conn % 1 === 0 && tsUs >= 0 && tsUs <= MAX_EXACT;

  return {
    hasSeq: seqReader !== null,
    render,
    // One Buffer, rewritten per message: the literal parts are written once per layout (a
    // layout is the digit counts of seq, ts and conn, which change at powers of ten), and each
    // message rewrites only its variable bytes (the digits, the random window) in place. So a
    // message costs no allocation and no copy of the literal text, and the message bytes cost
    // the garbage collector nothing (the Buffer pool was drained twice as fast before, once for
    // the rendered message and once for ws's frame). Only for a sender that has copied the bytes
    // before the next call: see wsSwarm.ts, which uses it when ws copies synchronously.
    scratchRenderer() {
      let scratch: Buffer | null = null;
      let layoutSeq = -1;
      let layoutTs = -1;
      let layoutConn = -1;
      /** The whole milliseconds of {{ts}} now in the Buffer: messages within one ms rewrite only the fraction. */
      let writtenTs = -1;
      const offsets = new Int32Array(byteParts.length);
      return (seq: number, conn: number, tsMs: number): Buffer => {
        const tsUs = Math.round(tsMs * 1000);
        if (!byteable(seq, conn, tsUs)) return Buffer.from(render(seq, conn, tsMs), 'utf8');
        const tsInt = Math.floor(tsUs / 1000);
        const frac = tsUs - tsInt * 1000;
        const dSeq = seqParts > 0 ? digitCount(seq) : 0;
        const dTs = tsParts > 0 ? digitCount(tsInt) : 0;
        const dConn = connParts > 0 ? digitCount(conn) : 0;
        if (scratch === null || dSeq !== layoutSeq || dTs !== layoutTs || dConn !== layoutConn) {
          // A new layout: a Buffer of its own (not a slice of Node's shared pool, which a
          // long-lived Buffer would keep alive), all parts written.
          scratch = Buffer.allocUnsafeSlow(fixedBytes + seqParts * dSeq + tsParts * (dTs + 4) + connParts * dConn);
          writeAll(scratch, offsets, seq, conn, tsInt, frac);
          layoutSeq = dSeq;
          layoutTs = dTs;
          layoutConn = dConn;
          writtenTs = tsInt;
          return scratch;
        }
        for (let k = 0; k < variable.length; k++) {
          const i = variable[k];
          const p = byteParts[i];
          if (p.kind === TS && tsInt === writtenTs) {
            // The same millisecond as the last message (dozens of messages a millisecond under
            // load): its 13 digits are already there, only the three after the point change.
            const at = offsets[i] + dTs + 1;
            scratch[at] = 48 + ((frac / 100) | 0);
            scratch[at + 1] = 48 + (((frac / 10) | 0) % 10);
            scratch[at + 2] = 48 + (frac % 10);
          } else {
            writeVariable(scratch, offsets[i], p, seq, conn, tsInt, frac);
          }
        }
        writtenTs = tsInt;
        return scratch;
      };
    },
    renderBytes(seq: number, conn: number, tsMs: number): Buffer {
      // Whole numbers only on the byte path ({{ts}} as integer µs): anything else (a negative
      // or fractional id, a clock before 1970) takes the string path, which formats it as is.
      const tsUs = Math.round(tsMs * 1000);
      if (!byteable(seq, conn, tsUs)) return Buffer.from(render(seq, conn, tsMs), 'utf8');
      const tsInt = Math.floor(tsUs / 1000);
      const out = Buffer.allocUnsafe(
        fixedBytes + (seqParts > 0 ? seqParts * digitCount(seq) : 0) + tsParts * (digitCount(tsInt) + 4) + (connParts > 0 ? connParts * digitCount(conn) : 0),
      );
      writeAll(out, null, seq, conn, tsInt, tsUs - tsInt * 1000);
      return out;
    },
    readSeq: seqReader ?? (() => -1),
  };
}

const EMPTY = new Uint8Array(0);
/** Largest integer a double holds exactly. */
const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/** Decimal digits of a whole number ≥ 0. */
function digitCount(n: number): number {
  let d = 1;
  // Powers of ten up to 1e16 are exact doubles, so this is exact for every safe integer.
  for (let p = 10; n >= p; p *= 10) d++;
  return d;
}

/**
 * Writes a whole number ≥ 0 as ASCII digits at `at`; returns the offset after them. Digits are
 * produced with 32-bit integer division (an epoch-ms timestamp is split into two such halves):
 * a double division per digit costs several times more.
 */
function writeDigits(out: Buffer, at: number, n: number): number {
  if (n <= 0x7fffffff) return writeInt32Digits(out, at, n | 0);
  const hi = Math.floor(n / 1e8);
  at = writeDigits(out, at, hi);
  // The low half: exactly 8 digits, leading zeros included.
  let x = (n - hi * 1e8) | 0;
  for (let i = at + 7; i >= at; i--) {
    const q = (x / 10) | 0;
    out[i] = 48 + x - q * 10;
    x = q;
  }
  return at + 8;
}

function writeInt32Digits(out: Buffer, at: number, x: number): number {
  const end = at + digitCount(x);
  let i = end;
  do {
    const q = (x / 10) | 0;
    out[--i] = 48 + x - q * 10;
    x = q;
  } while (x > 0);
  return end;
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
    if (fixedAt >= 0 && data.length > fixedAt + marker.length && bytesAt(data, fixedAt, marker)) {
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

/** Whether `data` holds `marker` at `at` (a plain loop: markers are a few bytes, a native compare costs more). */
function bytesAt(data: Buffer, at: number, marker: Buffer): boolean {
  for (let i = 0; i < marker.length; i++) if (data[at + i] !== marker[i]) return false;
  return true;
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
