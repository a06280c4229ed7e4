// The demo target's event feeds: one source of events per (name, rate, size, arrivals), served
// every way the showdown's updates experiment compares — kept for REST polling (`/events`),
// held for long polling (`/events/long-poll`), pushed over WebSocket (`/ws/events`) and as
// Server-Sent Events (`/sse/events`) — so every update mode sees the same events, stamped once.
import { epochMs } from '../clock.ts';

export function clampNumber(raw: string | null, fallback: number, min: number, max: number): number {
  const n = raw === null ? NaN : Number(raw);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}

const MAX_FEEDS = 16;
const MAX_FEED_RATE = 10_000;
const MAX_EVENT_BYTES = 64 * 1024;
/** Events a feed keeps for pollers; a cursor older than that gets what is left, marked "gap". */
const FEED_KEEP_EVENTS = 100_000;
/** At most this many events in one poll response (the cursor then says where to go on). */
const MAX_EVENTS_PER_POLL = 10_000;
/** A feed nobody polled or subscribed to for this long stops. */
const FEED_IDLE_MS = 30_000;
const FEED_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Server-side event streams, created on first use by `?feed=NAME&rate=R&bytes=B` (the same
 * parameters give the same stream; `&arrivals=even` spaces events evenly instead of at random,
 * Poisson, times with that mean rate). Each event is created once, stamped with its creation
 * time (epoch ms, fractional) and its sequence number, then offered both ways: kept for
 * `GET /events?since=N` (and long polls) and pushed at once to every `/ws/events` and
 * `/sse/events` subscriber.
 */
export class EventFeeds {
  private readonly feeds = new Map<string, EventFeed>();

  get(params: URLSearchParams): EventFeed {
    const rawName = params.get('feed') ?? 'default';
    const name = FEED_NAME.test(rawName) ? rawName : 'default';
    const rate = clampNumber(params.get('rate'), 10, 0.1, MAX_FEED_RATE);
    const bytes = Math.round(clampNumber(params.get('bytes'), 0, 0, MAX_EVENT_BYTES));
    const even = params.get('arrivals') === 'even';
    const key = `${name}|${rate}|${bytes}|${even ? 'even' : 'poisson'}`;
    let feed = this.feeds.get(key);
    if (!feed) {
      if (this.feeds.size >= MAX_FEEDS) this.evictOldest();
      feed = new EventFeed(rate, bytes, even, () => this.feeds.delete(key));
      this.feeds.set(key, feed);
    }
    return feed;
  }

  closeAll(): void {
    for (const feed of [...this.feeds.values()]) feed.stop();
  }

  private evictOldest(): void {
    let oldest: EventFeed | undefined;
    for (const f of this.feeds.values()) if (!oldest || f.lastUsed < oldest.lastUsed) oldest = f;
    oldest?.stop();
  }
}

export type FeedListener = (seq: number, event: string) => void;

export class EventFeed {
  lastUsed = epochMs();
  private readonly rate: number;
  private readonly bytes: number;
  /** Evenly spaced events instead of random (Poisson) arrivals. */
  private readonly even: boolean;
  private readonly onStop: () => void;
  private readonly events: string[] = [];
  /** Listeners (WebSocket and SSE subscribers, held long polls), each with what to do when the feed stops. */
  private readonly subscribers = new Map<FeedListener, () => void>();
  /** Sequence number of events[0]. */
  private firstSeq = 1;
  private created = 0;
  private nextAt: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(rate: number, bytes: number, even: boolean, onStop: () => void) {
    this.rate = rate;
    this.bytes = bytes;
    this.even = even;
    this.onStop = onStop;
    this.nextAt = epochMs() + this.gap();
    this.arm();
  }

  /** `{"cursor":N,"events":[…]}`: events after `since`; without `since`, only the cursor. */
  poll(since: string | null): string {
    this.lastUsed = epochMs();
    const cursor = this.created;
    const after = since === null ? cursor : Math.floor(Number(since));
    if (!Number.isFinite(after) || after >= cursor) return `{"cursor":${cursor},"events":[]}`;
    const from = Math.max(after + 1, this.firstSeq);
    const to = Math.min(cursor, from + MAX_EVENTS_PER_POLL - 1);
    const list = this.events.slice(from - this.firstSeq, to - this.firstSeq + 1).join(',');
    const gap = from > after + 1 ? ',"gap":true' : '';
    return `{"cursor":${to},"events":[${list}]${gap}}`;
  }

  /** Sequence number of the newest event (0 before the first). */
  get cursor(): number {
    return this.created;
  }

  /**
   * Events after `after` (at most `max`), for a reconnecting SSE client's Last-Event-ID and for
   * long polls; `gap` when some of them are no longer kept.
   */
  eventsAfter(after: number, max = MAX_EVENTS_PER_POLL): { events: Array<{ seq: number; event: string }>; gap: boolean } {
    this.lastUsed = epochMs();
    if (!Number.isFinite(after) || after >= this.created) return { events: [], gap: false };
    const from = Math.max(Math.floor(after) + 1, this.firstSeq);
    const to = Math.min(this.created, from + max - 1);
    const events: Array<{ seq: number; event: string }> = [];
    for (let seq = from; seq <= to; seq++) events.push({ seq, event: this.events[seq - this.firstSeq] });
    return { events, gap: from > Math.floor(after) + 1 };
  }

  /** Calls `onEvent` with every new event as it is created; returns the unsubscribe function. */
  listen(onEvent: FeedListener, onStop: () => void): () => void {
    this.lastUsed = epochMs();
    this.subscribers.set(onEvent, onStop);
    return () => {
      this.subscribers.delete(onEvent);
      this.lastUsed = epochMs();
    };
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    const stops = [...this.subscribers.values()];
    this.subscribers.clear();
    for (const onStop of stops) onStop();
    this.onStop();
  }

  /** Time to the next event (ms): exponential for Poisson arrivals, 1/rate when even. */
  private gap(): number {
    const mean = 1000 / this.rate;
    return this.even ? mean : -Math.log(1 - Math.random()) * mean;
  }

  private arm(): void {
    if (this.stopped) return;
    // Wake at the next event's due time (at most a second away, for the idle check).
    this.timer = setTimeout(() => this.tick(), Math.max(1, Math.min(1000, this.nextAt - epochMs())));
  }

  private tick(): void {
    const now = epochMs();
    if (this.subscribers.size === 0 && now - this.lastUsed > FEED_IDLE_MS) return this.stop();
    // Every event that has come due is created now and stamped with this moment.
    while (this.nextAt <= now) {
      const seq = ++this.created;
      const event = this.event(seq, epochMs());
      this.events.push(event);
      for (const listener of this.subscribers.keys()) listener(seq, event);
      this.nextAt += this.gap();
    }
    if (this.events.length > FEED_KEEP_EVENTS * 1.5) {
      const drop = this.events.length - FEED_KEEP_EVENTS;
      this.events.splice(0, drop);
      this.firstSeq += drop;
    }
    this.arm();
  }

  /** `{"seq":N,"ts":T}`, padded with a "data" field to `bytes` when that is larger. */
  private event(seq: number, ts: number): string {
    const head = `{"seq":${seq},"ts":${ts.toFixed(3)}`;
    const bare = `${head}}`;
    const padded = `${head},"data":""}`;
    if (this.bytes <= padded.length) return this.bytes > bare.length ? padded : bare;
    return `${head},"data":"${'x'.repeat(this.bytes - padded.length)}"}`;
  }
}
