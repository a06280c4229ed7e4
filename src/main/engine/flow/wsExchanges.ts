// The requests of a ws-send step still waiting for their answers, keyed by the value the answer
// carries back (JSON-RPC's id): an answer finds its request whatever order the answers come in.
// An answer whose key was answered a moment ago is a duplicate; one whose key was never sent
// (or timed out long ago) is unmatched — a push, or an answer for someone else. Entries leave
// in send order when their deadline passes (every exchange of a step has the same timeout, so
// the oldest is always the first to expire).

export type AnswerVerdict<T> = { kind: 'matched'; entry: T; sentMs: number } | { kind: 'duplicate' } | { kind: 'unmatched' };

interface Pending<T> {
  entry: T;
  sentMs: number;
  deadlineMs: number;
}

/** Keys answered (or expired) lately, remembered to tell a duplicate answer from an unmatched one. */
const RECENT_KEYS = 4096;

export class PendingExchanges<T> {
  private readonly pending = new Map<string, Pending<T>>();
  private readonly recent = new Set<string>();
  private readonly timeoutMs: number;
  matched = 0;
  duplicates = 0;
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
    this.pending.set(key, { entry, sentMs, deadlineMs: sentMs + this.timeoutMs });
  }

  /** An answer carrying `key` arrived. */
  answer(key: string): AnswerVerdict<T> {
    const p = this.pending.get(key);
    if (p !== undefined) {
      this.pending.delete(key);
      this.remember(key);
      this.matched++;
      return { kind: 'matched', entry: p.entry, sentMs: p.sentMs };
    }
    if (this.recent.has(key)) {
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
      this.remember(key);
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

  private remember(key: string): void {
    this.recent.add(key);
    if (this.recent.size > RECENT_KEYS) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}
