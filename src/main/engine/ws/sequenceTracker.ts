// Matches echoes to the messages of one connection by the sequence id they carry, never by
// arrival order: a server that reorders, drops or duplicates messages must show up as such
// instead of as skewed latencies.
//
// Memory: the tracker of an idle connection is a handful of numbers; the map of outstanding
// messages and the set of given-up ids are created only when first needed. Ids are sent in
// increasing order with increasing origin times, and a Map iterates in insertion order, so the
// oldest outstanding message is always first: expiring is O(expired), not O(outstanding).

/** Where the tracker records what it concluded (SecondRecorder fits). */
export interface EchoSink {
  completed(latencyUs: number): void;
  wsDuplicate(): void;
  wsOutOfOrder(): void;
  wsUnmatched(): void;
  wsLost(n?: number): void;
}

/** Given-up ids remembered per connection, to tell a late echo from a duplicate. */
const MAX_REMEMBERED_LOST = 1024;

/** Outcome of one echo, for the caller's own counting (amount, closed-loop sends). */
export const ECHO_COMPLETED = 0;
export const ECHO_DUPLICATE = 1;
export const ECHO_UNMATCHED = 2;
/** An echo of a message already given up as lost: already counted, so recorded as nothing more. */
export const ECHO_LATE = 3;
export type EchoOutcome = typeof ECHO_COMPLETED | typeof ECHO_DUPLICATE | typeof ECHO_UNMATCHED | typeof ECHO_LATE;

export class SequenceTracker {
  /** The id the next message will carry. Ids start at 1 and never restart (not even on reconnect). */
  private nextSeq = 1;
  private highestReceived = 0;
  /** seq → origin time (epoch ms): the send time, or the intended send time in rate mode. */
  private pending: Map<number, number> | null = null;
  private lost: Set<number> | null = null;

  get outstanding(): number {
    return this.pending === null ? 0 : this.pending.size;
  }

  /** Registers a message about to be sent and returns the id it must carry. */
  next(originMs: number): number {
    const seq = this.nextSeq++;
    (this.pending ??= new Map()).set(seq, originMs);
    return seq;
  }

  /** An echo carrying `seq` (-1: unreadable) arrived at `nowMs`. */
  echo(seq: number, nowMs: number, sink: EchoSink): EchoOutcome {
    if (seq < 1 || seq >= this.nextSeq) {
      sink.wsUnmatched();
      return ECHO_UNMATCHED;
    }
    const origin = this.pending?.get(seq);
    if (origin === undefined) {
      if (this.lost?.delete(seq)) return ECHO_LATE;
      sink.wsDuplicate();
      return ECHO_DUPLICATE;
    }
    this.pending!.delete(seq);
    if (seq < this.highestReceived) sink.wsOutOfOrder();
    else this.highestReceived = seq;
    sink.completed((nowMs - origin) * 1000);
    return ECHO_COMPLETED;
  }

  /** Gives up every message that originated before `cutoffMs`; returns how many. */
  expire(cutoffMs: number, sink: EchoSink): number {
    if (this.pending === null || this.pending.size === 0) return 0;
    let n = 0;
    for (const [seq, origin] of this.pending) {
      if (origin >= cutoffMs) break;
      this.pending.delete(seq);
      this.rememberLost(seq);
      n++;
    }
    if (n > 0) sink.wsLost(n);
    return n;
  }

  /**
   * Gives up everything outstanding (the connection closed, or the run ended); returns how many.
   * These ids are not remembered: their socket is gone, so no echo of them can arrive.
   */
  abandon(sink: EchoSink): number {
    if (this.pending === null || this.pending.size === 0) return 0;
    const n = this.pending.size;
    this.pending.clear();
    sink.wsLost(n);
    return n;
  }

  private rememberLost(seq: number): void {
    const lost = (this.lost ??= new Set());
    if (lost.size >= MAX_REMEMBERED_LOST) {
      // Forget the oldest: its echo, if it ever comes, will count as a duplicate.
      for (const oldest of lost) {
        lost.delete(oldest);
        break;
      }
    }
    lost.add(seq);
  }
}
