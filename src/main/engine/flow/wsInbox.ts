// A virtual user's WebSocket messages, handed to whichever step is listening: a ws-send waiting
// for its answers, a ws-await waiting for pushes. A message no step takes (a push that arrives
// between steps) waits in a bounded inbox for the next ws-await; the oldest go first when full.

export interface InboxMessage {
  text: string;
  /** Epoch ms it arrived. */
  atMs: number;
}

/** Takes a message or leaves it (returns false) for the inbox. */
export type MessageTaker = (message: InboxMessage) => boolean;

const INBOX_LIMIT = 10_000;

export class WsInbox {
  private readonly waiting: InboxMessage[] = [];
  private taker: MessageTaker | undefined;
  /** Messages dropped because the inbox was full. */
  dropped = 0;

  /** A message arrived. */
  deliver(message: InboxMessage): void {
    if (this.taker?.(message)) return;
    this.waiting.push(message);
    if (this.waiting.length > INBOX_LIMIT) {
      this.waiting.shift();
      this.dropped++;
    }
  }

  /**
   * Makes `taker` the listener: first offered the messages waiting in the inbox (in order; those
   * it leaves stay), then each new one. Returns the function that stops listening.
   */
  listen(taker: MessageTaker, withWaiting: boolean): () => void {
    if (withWaiting && this.waiting.length > 0) {
      const kept: InboxMessage[] = [];
      for (const m of this.waiting.splice(0)) if (!taker(m)) kept.push(m);
      this.waiting.push(...kept);
    }
    this.taker = taker;
    return () => {
      if (this.taker === taker) this.taker = undefined;
    };
  }

  get size(): number {
    return this.waiting.length;
  }
}
