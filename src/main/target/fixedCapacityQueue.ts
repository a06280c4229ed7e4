// A server with a known capacity, for capacity searches with a known answer: one FIFO queue
// served by a single worker that takes exactly 1/N s per request, so the target completes at
// most N requests per second. Below N a request waits only its own service time; above N the
// queue — and every latency — grows without bound. (The demo target's `GET /capacity?rps=N`.)
//
// Service is scheduled on a virtual clock — request k completes at
// max(its arrival, completion of k−1) + 1/N — so a timer that fires late delays the answer but
// never lowers the capacity. A request whose client has gone (its connection closed, as at the
// end of a run) is dropped without using service time, so one search step's backlog does not
// leak into the next.

interface Waiting {
  arrivedAt: number;
  answer: () => void;
  gone: boolean;
}

export class FixedCapacityQueue {
  private readonly serviceMs: number;
  private readonly queue: Waiting[] = [];
  private head = 0;
  /** Virtual time at which the server finishes its current request. */
  private freeAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(perSecond: number, now: () => number = () => performance.now()) {
    this.serviceMs = 1000 / perSecond;
    this.now = now;
  }

  /** Queues a request; returns a function to call when its client goes away. */
  add(answer: () => void): () => void {
    const w: Waiting = { arrivedAt: this.now(), answer, gone: false };
    this.queue.push(w);
    this.serve();
    return () => {
      w.gone = true;
    };
  }

  get waiting(): number {
    return this.queue.length - this.head;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.head = 0;
  }

  private serve(): void {
    if (this.timer) return;
    const now = this.now();
    while (this.head < this.queue.length) {
      const w = this.queue[this.head];
      if (w.gone) {
        this.head++;
        continue;
      }
      const done = Math.max(w.arrivedAt, this.freeAt) + this.serviceMs;
      if (done > now) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.serve();
        }, done - now);
        break;
      }
      this.freeAt = done;
      this.head++;
      w.answer();
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
