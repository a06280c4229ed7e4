// The requests of a ws-send step still waiting for their answers, keyed by the value the answer
// carries back (JSON-RPC's id): an answer finds its request whatever order the answers come in.
// A matched answer is out of order when an answer to a request sent after it came first — the
// rule of the single-request WebSocket echo mode (an echo whose id is below the highest already
// received), so the two modes count the same thing. An answer whose key was answered a moment
// ago is a duplicate; one whose request timed out a moment ago is late (already counted as an
// expect-timeout: nothing more); one whose key was never sent (or settled long ago) is unmatched
// — an answer for someone else, or to an earlier step. Entries leave in send order when their
// deadline passes (every exchange of a step has the same timeout, so the oldest is always the
// first to expire).

export type AnswerVerdict<T> =
  | { kind: 'matched'; entry: T; sentMs: number; outOfOrder: boolean }
  | { kind: 'duplicate' }
  | { kind: 'late' }
  | { kind: 'unmatched' };

interface Pending<T> {
  entry: T;
  sentMs: number;
  deadlineMs: number;
  /** Send order within the table (1, 2, …). */
  index: number;
}

/** Keys answered (or expired) lately, remembered to tell a duplicate answer from an unmatched one. */
const RECENT_KEYS = 4096;

export class PendingExchanges<T> {
  private readonly pending = new Map<string, Pending<T>>();
  /** Keys settled lately, and how: answered (a second answer is a duplicate) or expired (its answer is late). */
  private readonly recent = new Map<string, 'answered' | 'expired'>();
  private readonly timeoutMs: number;
  private sent = 0;
  /** The highest send index answered so far: an answer below it came out of order. */
  private highestAnswered = 0;
  matched = 0;
  outOfOrder = 0;
  duplicates = 0;
  late = 0;
  unmatched = 0;
  timeouts = 0;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Whether a request with this key is still waiting (a second send of one key could not be told apart). */
  has(key: string): boolean {
    return this.pending.has(key);
  }

  add(key: string, entry: T, sentMs: number): void {
    this.recent.delete(key);
    this.pending.set(key, { entry, sentMs, deadlineMs: sentMs + this.timeoutMs, index: ++this.sent });
  }

  /** An answer carrying `key` arrived. */
  answer(key: string): AnswerVerdict<T> {
    const p = this.pending.get(key);
    if (p !== undefined) {
      this.pending.delete(key);
      this.remember(key, 'answered');
      this.matched++;
      const outOfOrder = p.index < this.highestAnswered;
      if (outOfOrder) this.outOfOrder++;
      else this.highestAnswered = p.index;
      return { kind: 'matched', entry: p.entry, sentMs: p.sentMs, outOfOrder };
    }
    const settled = this.recent.get(key);
    if (settled === 'expired') {
      // Its request was given up (an expect-timeout): this answer is late, and a further one a duplicate.
      this.recent.set(key, 'answered');
      this.late++;
      return { kind: 'late' };
    }
    if (settled === 'answered') {
      this.duplicates++;
      return { kind: 'duplicate' };
    }
    this.unmatched++;
    return { kind: 'unmatched' };
  }

  /** Removes and returns the requests whose deadline is at or before `nowMs`, oldest first. */
  expire(nowMs: number): Array<{ key: string; entry: T; sentMs: number }> {
    const out: Array<{ key: string; entry: T; sentMs: number }> = [];
    for (const [key, p] of this.pending) {
      if (p.deadlineMs > nowMs) break;
      this.pending.delete(key);
      this.remember(key, 'expired');
      this.timeouts++;
      out.push({ key, entry: p.entry, sentMs: p.sentMs });
    }
    return out;
  }

  /** The earliest deadline of a waiting request (epoch ms), or undefined when none waits. */
  nextDeadline(): number | undefined {
    for (const p of this.pending.values()) return p.deadlineMs;
    return undefined;
  }

  /** Empties the table (the run stopped, the connection closed): what was still waiting, oldest first. */
  drain(): Array<{ key: string; entry: T; sentMs: number }> {
    const out = [...this.pending].map(([key, p]) => ({ key, entry: p.entry, sentMs: p.sentMs }));
    this.pending.clear();
    return out;
  }

  private remember(key: string, how: 'answered' | 'expired'): void {
    this.recent.set(key, how);
    if (this.recent.size > RECENT_KEYS) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}
