// Matches echoes to the messages of one connection by the sequence id they carry, never by
// arrival order: a server that reorders, drops or duplicates messages must show up as such
// instead of as skewed latencies.
//
// Memory: the tracker of an idle connection is a handful of numbers; the ring of outstanding
// messages and the set of given-up ids are created only when first needed. Ids are sent in
// increasing order with increasing origin times, so the oldest outstanding message is always
// at the ring's tail: expiring is O(expired), not O(outstanding).

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
  /**
   * Outstanding messages in a ring indexed by `seq & mask`: the id in `ids` (0: free) and its
   * origin time (epoch ms: the send time, or the intended send time in rate mode) in `origins`.
   * Ids are sequential and every outstanding one lies in [oldest, nextSeq), so a ring at least
   * that wide never collides — no hashing and no allocation per message, which a Map needed.
   */
  private ids: Float64Array | null = null;
  private origins: Float64Array | null = null;
  private mask = 0;
  /** No outstanding id is below this one. */
  private oldest = 1;
  private count = 0;
  private lost: Set<number> | null = null;

  get outstanding(): number {
    return this.count;
  }

  /** Registers a message about to be sent and returns the id it must carry. */
  next(originMs: number): number {
    const seq = this.nextSeq++;
    if (this.count === 0) this.oldest = seq;
    if (this.ids === null || seq - this.oldest > this.mask) this.grow(seq - this.oldest + 1);
    const slot = seq & this.mask;
    this.ids![slot] = seq;
    this.origins![slot] = originMs;
    this.count++;
    return seq;
  }

  /** An echo carrying `seq` (-1: unreadable) arrived at `nowMs`. */
  echo(seq: number, nowMs: number, sink: EchoSink): EchoOutcome {
    if (seq < 1 || seq >= this.nextSeq) {
      sink.wsUnmatched();
      return ECHO_UNMATCHED;
    }
    const slot = seq & this.mask;
    if (this.ids === null || this.ids[slot] !== seq) {
      if (this.lost?.delete(seq)) return ECHO_LATE;
      sink.wsDuplicate();
      return ECHO_DUPLICATE;
    }
    const origin = this.origins![slot];
    this.release(slot, seq);
    if (seq < this.highestReceived) sink.wsOutOfOrder();
    else this.highestReceived = seq;
    sink.completed((nowMs - origin) * 1000);
    return ECHO_COMPLETED;
  }

  /** Gives up every message that originated before `cutoffMs`; returns how many. */
  expire(cutoffMs: number, sink: EchoSink): number {
    if (this.count === 0) return 0;
    const ids = this.ids!;
    const origins = this.origins!;
    let n = 0;
    // Origins grow with the ids, so the oldest outstanding message is the first to go.
    while (this.count > 0) {
      const slot = this.oldest & this.mask;
      if (origins[slot] >= cutoffMs) break;
      const seq = ids[slot];
      this.release(slot, seq);
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
    if (this.count === 0) return 0;
    const n = this.count;
    this.ids!.fill(0);
    this.count = 0;
    this.oldest = this.nextSeq;
    sink.wsLost(n);
    return n;
  }

  /** Frees a slot; moves `oldest` past ids already answered so the ring stays narrow. */
  private release(slot: number, seq: number): void {
    this.ids![slot] = 0;
    this.count--;
    if (seq !== this.oldest) return;
    if (this.count === 0) {
      this.oldest = this.nextSeq;
      return;
    }
    do this.oldest++;
    while (this.ids![this.oldest & this.mask] !== this.oldest);
  }

  private grow(width: number): void {
    let size = this.ids === null ? 4 : this.ids.length;
    while (size < width) size *= 2;
    const ids = new Float64Array(size);
    const origins = new Float64Array(size);
    if (this.ids !== null) {
      for (let i = 0; i < this.ids.length; i++) {
        const seq = this.ids[i];
        if (seq === 0) continue;
        ids[seq & (size - 1)] = seq;
        origins[seq & (size - 1)] = this.origins![i];
      }
    }
    this.ids = ids;
    this.origins = origins;
    this.mask = size - 1;
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
